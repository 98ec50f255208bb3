//! `cxlmi-docs OUTDIR`: writes `cxlmi`'s man pages (OUTDIR/man/cxlmi.1 and cxlmi-SUBCOMMAND.1,
//! from the same clap definitions the tool parses with) and its shell completions
//! (OUTDIR/completions/cxlmi.bash, _cxlmi for zsh, cxlmi.fish). Run by meson at build time;
//! `meson install` installs what it writes.

use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;
use cxlmi_cli::args::Cli;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: cxlmi-docs OUTDIR");
        return ExitCode::from(2);
    };
    match write_all(Path::new(&out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cxlmi-docs: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_all(out: &Path) -> std::io::Result<()> {
    let mut cmd = Cli::command().version(cxlmi::VERSION);
    // Built, so the global options (-o, -f, -v) appear on every subcommand's page.
    cmd.build();
    let man = out.join("man");
    std::fs::create_dir_all(&man)?;
    page(&cmd, "cxlmi", &man)?;
    // Not clap's own `help` subcommand: cxlmi.1 is that.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        let name = format!("cxlmi-{}", sub.get_name());
        // A subcommand's page shows the global options too, and its name as it is typed.
        let sub = sub.clone().name(&name).version(cxlmi::VERSION);
        page(&sub, &name, &man)?;
    }
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions)?;
    for (shell, file) in [(Shell::Bash, "cxlmi.bash"), (Shell::Zsh, "_cxlmi"), (Shell::Fish, "cxlmi.fish")] {
        let mut cmd = cmd.clone();
        let mut f = std::fs::File::create(completions.join(file))?;
        clap_complete::generate(shell, &mut cmd, "cxlmi", &mut f);
    }
    Ok(())
}

fn page(cmd: &clap::Command, name: &str, dir: &Path) -> std::io::Result<()> {
    let mut f = std::fs::File::create(dir.join(format!("{name}.1")))?;
    clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .section("1")
        .source(format!("cxlmi {}", cxlmi::VERSION))
        .manual("cxlmi manual")
        .render(&mut f)
}
