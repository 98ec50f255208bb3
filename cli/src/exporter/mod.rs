//! `cxlmi exporter`: the components' health, event logs, poison lists,
//! ports and LD allocations as Prometheus metrics on `/metrics`.
//!
//! Each scrape runs one poller round, which ends by the deadline (plus the
//! poller's grace) whatever the components do: a scrape never waits on a
//! silent device longer than that, and reports it down instead. Scrapes
//! take turns (one round at a time); one that waited while another's round
//! ran is answered with that round, so two Prometheus servers scraping at
//! once cost the devices one round.
//!
//! The answer is the Prometheus text format (0.0.4), or OpenMetrics when
//! the scraper prefers it in its `Accept` header, as Prometheus does;
//! `prometheus-client` encodes both. The families are in [`metrics`], and
//! docs/monitoring.md describes them.

mod metrics;

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use cxlmi::Context;
use cxlmi::fleet::Poller;
use cxlmi::log::{LOG_DEBUG, LOG_ERR, LOG_NOTICE};
use cxlmi_cli::fleet_args::Exporter;
use prometheus_client::encoding::{prometheus_text, text};
use prometheus_client::registry::Registry;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::args::{EXIT_OPEN, Failure, Options};
use crate::stop::{self, Stop};
use crate::{cmds, fleet};

const COMMAND: &str = "exporter";
/// Requests served at once. A scrape holds its worker for a round; the
/// others answer `/` and wait their turn for a scrape.
const WORKERS: usize = 4;
/// How often an idle worker looks whether the exporter is to stop.
const STOP_CHECK: Duration = Duration::from_millis(100);

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const PLAIN: &str = "text/plain; charset=utf-8";

const INDEX: &str = "<!DOCTYPE html>
<html>
<head><title>cxlmi exporter</title></head>
<body>
<h1>cxlmi exporter</h1>
<p>CXL components' health, event logs, poison lists, ports and LD allocations: <a href=\"/metrics\">metrics</a>.</p>
</body>
</html>
";

pub fn run(ctx: &Arc<Context>, e: &Exporter, opts: &Options) -> Result<(), Failure> {
    if opts.emu_state.is_some() {
        // An --emulate fleet lives for the run; emu: targets are opened afresh.
        return Err(cmds::usage("", COMMAND, "--emu-state is not kept by the exporter"));
    }
    let addrs: Vec<SocketAddr> = e
        .listen
        .to_socket_addrs()
        .map_err(|err| cmds::usage("", COMMAND, format!("--listen '{}': {err}", e.listen)))?
        .collect();
    let poller = crate::fleet::poller(ctx, &e.fleet, false, COMMAND)?;
    let server = Server::http(addrs.as_slice()).map_err(|err| {
        cmds::failure(EXIT_OPEN, "system", "", COMMAND, format!("cannot listen on {}: {err}", e.listen), None)
    })?;
    let stop = Stop::install()
        .map_err(|err| cmds::failure(EXIT_OPEN, "system", "", COMMAND, format!("signals: {err}"), None))?;
    fleet::say(ctx, COMMAND, LOG_NOTICE, &format!("serving metrics on http://{}/metrics", server.server_addr()));
    let scraper = Scraper {
        ctx: ctx.clone(),
        state: Mutex::new(State { poller, memory: metrics::Memory::default(), last: None }),
        finished: AtomicU64::new(0),
    };
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| serve(&server, &scraper, &stop));
        }
    });
    // Only a signal ends the workers.
    stop::ended(ctx, COMMAND, stop.caught().unwrap_or(libc::SIGTERM))
}

/// A worker: answers requests until the exporter is to stop.
fn serve(server: &Server, scraper: &Scraper, stop: &Stop) {
    while stop.caught().is_none() {
        match server.recv_timeout(STOP_CHECK) {
            Ok(Some(request)) => answer(request, scraper),
            Ok(None) => {}
            Err(e) => fleet::say(&scraper.ctx, COMMAND, LOG_ERR, &format!("cannot receive a request: {e}")),
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names and values are ASCII")
}

fn answer(request: Request, scraper: &Scraper) {
    let path = request.url().split(['?', '#']).next().unwrap_or_default();
    let response = if !matches!(request.method(), Method::Get | Method::Head) {
        Response::from_string("only GET and HEAD are served\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"))
            .with_header(header("Content-Type", PLAIN))
    } else if path == "/" {
        Response::from_string(INDEX).with_header(header("Content-Type", HTML))
    } else if path == "/metrics" {
        let accept = request.headers().iter().find(|h| h.field.equiv("Accept")).map(|h| h.value.as_str());
        let openmetrics = accept.is_some_and(prefers_openmetrics);
        let metrics = scraper.metrics();
        let mut registry = Registry::with_prefix(metrics::PREFIX);
        registry.register_collector(Box::new(metrics));
        let mut body = String::new();
        let (encoded, content_type) = if openmetrics {
            (text::encode(&mut body, &registry), OPENMETRICS)
        } else {
            (prometheus_text::encode(&mut body, &registry), prometheus_text::CONTENT_TYPE)
        };
        match encoded {
            Ok(()) => Response::from_string(body).with_header(header("Content-Type", content_type)),
            // Writing to a String fails only if a value cannot be formatted: a bug of ours.
            Err(_) => Response::from_string("cannot encode the metrics\n")
                .with_status_code(500)
                .with_header(header("Content-Type", PLAIN)),
        }
    } else {
        Response::from_string("not found: see /metrics\n")
            .with_status_code(404)
            .with_header(header("Content-Type", PLAIN))
    };
    // A scraper that went away is no concern of ours.
    let _ = request.respond(response);
}

/// Whether an `Accept` header ranks OpenMetrics above the text format, by
/// its quality values (RFC 9110 section 12.5.1): Prometheus sends
/// `application/openmetrics-text;version=1.0.0,...;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`.
fn prefers_openmetrics(accept: &str) -> bool {
    let (mut openmetrics, mut other) = (0.0f32, 0.0f32);
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .and_then(|(_, v)| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "application/openmetrics-text" => openmetrics = openmetrics.max(q),
            "text/plain" | "text/*" | "*/*" => other = other.max(q),
            _ => {}
        }
    }
    openmetrics > 0.0 && openmetrics >= other
}

/// The poller and what scrapes share.
struct Scraper {
    ctx: Arc<Context>,
    state: Mutex<State>,
    /// Rounds finished, read before waiting for the lock.
    finished: AtomicU64,
}

struct State {
    poller: Poller,
    memory: metrics::Memory,
    last: Option<Arc<metrics::Metrics>>,
}

impl Scraper {
    /// The metrics of a round finished after the caller asked: a new one,
    /// or the one that ran while it waited its turn.
    fn metrics(&self) -> Arc<metrics::Metrics> {
        let asked = self.finished.load(Ordering::Acquire);
        // A round that panicked left the poller between rounds.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if self.finished.load(Ordering::Acquire) != asked {
            if let Some(last) = &state.last {
                return last.clone();
            }
        }
        let state = &mut *state;
        let round = state.poller.round();
        if self.ctx.log().enabled(LOG_DEBUG) {
            for r in round.readings.iter().filter(|r| !r.errors.is_empty()) {
                fleet::say(&self.ctx, COMMAND, LOG_DEBUG, &format!("{}: {}", r.place, r.errors.join("; ")));
            }
        }
        let metrics = Arc::new(state.memory.metrics(&round));
        state.last = Some(metrics.clone());
        self.finished.fetch_add(1, Ordering::Release);
        metrics
    }
}

#[cfg(test)]
mod tests {
    use super::prefers_openmetrics;

    #[test]
    fn accept_headers() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert!(prefers_openmetrics(prometheus));
        assert!(prefers_openmetrics("application/openmetrics-text"));
        assert!(!prefers_openmetrics("text/plain;version=0.0.4"));
        assert!(!prefers_openmetrics("*/*"));
        assert!(!prefers_openmetrics("application/openmetrics-text;q=0.2, text/plain;q=0.9"));
        assert!(!prefers_openmetrics("application/openmetrics-text;q=0"));
        assert!(!prefers_openmetrics(""));
    }
}
