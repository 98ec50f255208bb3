//! Parsing what users type: numbers (decimal or 0x hex, optional binary size
//! suffix), opcodes and hex payloads.

/// A number in decimal or `0x` hex.
pub fn number(s: &str) -> Result<u64, String> {
    let t = s.trim().replace('_', "");
    let r = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => t.parse::<u64>(),
    };
    r.map_err(|_| format!("'{s}' is not a number (decimal or 0x hex)"))
}

/// A byte count: a number with an optional binary suffix K, M, G or T
/// (KiB, MiB, GiB, TiB; `256M` is 256 MiB).
pub fn bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let units = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10), ("T", 40), ("G", 30), ("M", 20), ("K", 10)];
    for (suffix, shift) in units {
        if let Some(n) = t.strip_suffix(suffix).or_else(|| t.strip_suffix(&suffix.to_lowercase())) {
            if n.starts_with("0x") || n.starts_with("0X") {
                continue;
            }
            let v = number(n)?;
            return v.checked_mul(1 << shift).ok_or_else(|| format!("'{s}' is too large"));
        }
    }
    number(t)
}

/// Seconds, 0 or more, possibly fractional, up to a year: what a wait or a deadline takes.
/// Refuses what no `Duration` holds (`1e300`), NaN and negatives.
pub fn seconds(s: &str) -> Result<std::time::Duration, String> {
    const MAX: f64 = 365.0 * 86_400.0;
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=MAX).contains(&v) => Ok(std::time::Duration::from_secs_f64(v)),
        _ => Err(format!("'{s}' is not a number of seconds from 0 to {MAX}")),
    }
}

/// Seconds, more than 0: an interval or a deadline.
pub fn positive_seconds(s: &str) -> Result<std::time::Duration, String> {
    match seconds(s)? {
        d if d.is_zero() => Err(format!("'{s}' is not more than 0 seconds")),
        d => Ok(d),
    }
}

/// A 16-bit opcode: `0x4000`, `4000h` or decimal.
pub fn opcode(s: &str) -> Result<u16, String> {
    let t = s.trim();
    let v = match t.strip_suffix('h').or_else(|| t.strip_suffix('H')) {
        Some(h) => u64::from_str_radix(h, 16).map_err(|_| format!("'{s}' is not an opcode"))?,
        None => number(t)?,
    };
    u16::try_from(v).map_err(|_| format!("opcode '{s}' is larger than 0xffff"))
}

/// Payload bytes from hex: `0a0b0c`, `0x0a0b0c`, `0a:0b:0c` or `0a 0b 0c`.
pub fn hex(s: &str) -> Result<Vec<u8>, String> {
    let t = s.trim();
    let t = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    let digits: String = t.chars().filter(|c| !matches!(c, ':' | ' ' | '-' | '_')).collect();
    if digits.len() % 2 != 0 {
        return Err(format!("hex payload '{s}' has an odd number of digits"));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| format!("'{s}' is not hex bytes"))
        })
        .collect()
}

/// A request payload given on the command line (one argument, many bytes).
#[derive(Clone, Debug)]
pub struct Payload(pub Vec<u8>);

/// [`hex`], as one command-line value.
pub fn hex_payload(s: &str) -> Result<Payload, String> {
    hex(s).map(Payload)
}

/// Bytes as lowercase hex, no separators.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_bounded() {
        assert_eq!(seconds("1.5"), Ok(std::time::Duration::from_millis(1500)));
        assert_eq!(seconds("0"), Ok(std::time::Duration::ZERO));
        for bad in ["1e300", "-1", "NaN", "inf", "", "soon"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(number("42"), Ok(42));
        assert_eq!(number("0x2A"), Ok(42));
        assert_eq!(number("1_000"), Ok(1000));
        assert!(number("x").is_err());
        assert!(number("0x").is_err());
        assert!(number("-1").is_err());
        assert!(number("18446744073709551616").is_err());
    }

    #[test]
    fn byte_counts() {
        assert_eq!(bytes("256M"), Ok(256 << 20));
        assert_eq!(bytes("1GiB"), Ok(1 << 30));
        assert_eq!(bytes("2g"), Ok(2 << 30));
        assert_eq!(bytes("0x1000"), Ok(0x1000));
        assert_eq!(bytes("4096"), Ok(4096));
        assert!(bytes("99999999999T").is_err());
        assert!(bytes("M").is_err());
    }

    #[test]
    fn opcodes() {
        assert_eq!(opcode("0x0001"), Ok(1));
        assert_eq!(opcode("4000h"), Ok(0x4000));
        assert_eq!(opcode("1"), Ok(1));
        assert!(opcode("0x10000").is_err());
        assert!(opcode("zz").is_err());
    }

    #[test]
    fn hex_payloads() {
        assert_eq!(hex("0a0b0c"), Ok(vec![10, 11, 12]));
        assert_eq!(hex("0x0A0B"), Ok(vec![10, 11]));
        assert_eq!(hex("0a:0b 0c"), Ok(vec![10, 11, 12]));
        assert_eq!(hex(""), Ok(vec![]));
        assert!(hex("abc").is_err());
        assert!(hex("zz").is_err());
        assert!(hex("0é").is_err());
        assert_eq!(to_hex(&[0, 0xff, 0x10]), "00ff10");
    }
}
