//! Memory a request needs, estimated before the work, against the machine's.
//! Linux grants allocations it cannot back (overcommit), so a request far
//! too large would otherwise abort or be killed part-way through instead of
//! being refused with a message.
use std::fmt;
use std::sync::OnceLock;

use crate::setting::{in_fields, In, Phrase, Worded, Wording};

/// The machine's physical memory in bytes (`MemTotal` in `/proc/meminfo`),
/// or None where that is not known (then nothing is refused).
pub fn physical() -> Option<u64> {
    static TOTAL: OnceLock<Option<u64>> = OnceLock::new();
    *TOTAL.get_or_init(|| {
        let text = std::fs::read_to_string("/proc/meminfo").ok()?;
        mem_total(&text)
    })
}

/// `MemTotal` from the text of `/proc/meminfo`, in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let mut words = line["MemTotal:".len()..].split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") => value.checked_mul(1024),
        None => Some(value),
        Some(_) => None,
    }
}

/// Ask the kernel to back the room reserved beyond `v`'s length with
/// transparent huge pages where it can (Linux's `MADV_HUGEPAGE`; its
/// `enabled` setting `madvise` leaves them to this request): a large matrix
/// filled row by row then takes one page fault per 2 MiB instead of one per
/// 4 KiB. Only advice: the memory, its contents and its accounting are
/// unchanged, and a refusal is ignored.
pub fn prefer_huge_pages<T>(v: &mut Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let spare = v.spare_capacity_mut();
        let start = spare.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(spare);
        let (from, to) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if to > from {
            // SAFETY: [from, to) lies within the vector's own allocation
            // (its spare capacity), and MADV_HUGEPAGE changes neither the
            // mapping's contents nor its protection.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

/// A request that needs more memory than the machine has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", in_fields(self))]
pub struct TooLarge {
    /// The request, in settings (`n 1000000000000 with 3 coefficients`).
    pub what: Phrase,
    /// What the memory is for (`the simulated data`).
    pub purpose: &'static str,
    /// Bytes needed; None when the count does not fit in 64 bits.
    pub need: Option<u64>,
    /// Bytes of physical memory.
    pub have: u64,
}

impl Worded for TooLarge {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} needs {} for {}; this machine has {}",
            In(&self.what, w),
            at_least(self.need),
            self.purpose,
            gb(self.have)
        )
    }
}

/// Refuse a request of `need` bytes (None: beyond 64 bits) when it exceeds
/// the physical memory; `what` names the request for the message.
pub fn check(
    what: impl FnOnce() -> Phrase,
    purpose: &'static str,
    need: Option<u64>,
) -> Result<(), TooLarge> {
    check_against(what, purpose, need, physical())
}

/// [`check`] against `have` bytes (None: unknown, nothing refused).
pub fn check_against(
    what: impl FnOnce() -> Phrase,
    purpose: &'static str,
    need: Option<u64>,
    have: Option<u64>,
) -> Result<(), TooLarge> {
    match (need, have) {
        (_, None) => Ok(()),
        (Some(need), Some(have)) if need <= have => Ok(()),
        (need, Some(have)) => Err(TooLarge {
            what: what(),
            purpose,
            need,
            have,
        }),
    }
}

/// A lower bound for a message: "at least 24000 GB", or "more than 18
/// billion GB" (2^64 bytes) when the count overflowed.
fn at_least(bytes: Option<u64>) -> String {
    match bytes {
        None => "more than 18 billion GB".into(),
        Some(b) => format!("at least {}", gb(b)),
    }
}

/// Bytes for a message, in decimal gigabytes: "24000 GB", "0.5 GB".
fn gb(bytes: u64) -> String {
    let g = bytes as f64 / 1e9;
    if g >= 10.0 {
        format!("{g:.0} GB")
    } else {
        format!("{g:.1} GB")
    }
}

/// `a * b * c ...` in bytes, None on overflow.
pub fn product(factors: &[usize]) -> Option<u64> {
    factors
        .iter()
        .try_fold(1u64, |acc, &f| acc.checked_mul(u64::try_from(f).ok()?))
}

/// A size on the command line that is not one, or that does not fit in
/// 64 bits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadSize {
    #[error("'{0}' is not a size: a whole number of bytes, optionally followed by K, M, G or T (powers of 1024), like 512M or 2G")]
    NotASize(String),
    #[error("'{0}' is too large: a size is at most 2^64 - 1 bytes (16777215T)")]
    TooLarge(String),
}

/// A size in bytes: `1000000`, `512K`, `512M`, `2G`, `1T` (powers of 1024;
/// the letter in either case). Signs, fractions and other letters are not
/// sizes; sizes beyond 64 bits are too large.
pub fn parse_size(text: &str) -> Result<u64, BadSize> {
    let bad = || BadSize::NotASize(text.to_string());
    let large = || BadSize::TooLarge(text.to_string());
    let t = text.trim();
    let (digits, shift) = match t.as_bytes().last().map(u8::to_ascii_uppercase) {
        Some(b'K') => (&t[..t.len() - 1], 10),
        Some(b'M') => (&t[..t.len() - 1], 20),
        Some(b'G') => (&t[..t.len() - 1], 30),
        Some(b'T') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| large())?;
    n.checked_mul(1u64 << shift).ok_or_else(large)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mem_total_in_bytes() {
        let text = "MemTotal:       24568356 kB\nMemFree:         1 kB\n";
        assert_eq!(mem_total(text), Some(24568356 * 1024));
        assert_eq!(mem_total("MemFree: 1 kB\n"), None);
    }

    #[test]
    fn refuses_only_what_exceeds_the_machine() {
        let what = || Phrase(vec!["n 5".to_string().into()]);
        assert!(check_against(what, "the data", Some(10), Some(10)).is_ok());
        assert!(check_against(what, "the data", Some(10), None).is_ok());
        let e =
            check_against(what, "the data", Some(24_000_000_000_000), Some(24 << 30)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "n 5 needs at least 24000 GB for the data; this machine has 26 GB"
        );
        let e = check_against(what, "the data", None, Some(1)).unwrap_err();
        assert!(e.to_string().contains("more than 18 billion GB"), "{e}");
    }

    #[test]
    fn sizes_take_powers_of_1024_and_refuse_the_rest() {
        assert_eq!(parse_size("1000000"), Ok(1_000_000));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("3K"), Ok(3072));
        assert_eq!(parse_size("1T"), Ok(1 << 40));
        for bad in ["", "12Q", "-5", "1.5G", "G", "+5", "5 M"] {
            assert_eq!(parse_size(bad), Err(BadSize::NotASize(bad.into())), "{bad}");
        }
        assert_eq!(parse_size("16777215T"), Ok(16_777_215 << 40));
        for large in ["16777216T", "99999999999T", "18446744073709551616"] {
            assert_eq!(
                parse_size(large),
                Err(BadSize::TooLarge(large.into())),
                "{large}"
            );
        }
    }

    #[test]
    fn products_overflow_to_none() {
        assert_eq!(product(&[1000, 8, 3]), Some(24_000));
        assert_eq!(product(&[usize::MAX, 8]), None);
    }
}
