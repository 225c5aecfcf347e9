//! When a fit streams its design from a cache instead of holding it in
//! memory, and with what limit.

/// How a fit holds its design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streaming {
    /// In memory.
    InMemory,
    /// Streamed within the limit the caller gave.
    Limit(u64),
    /// Streamed within half of the physical memory (these bytes): the data
    /// file's design may not fit in it.
    HalfMemory(u64),
}

/// The choice for a fit given `max_memory` (a limit the caller set), the
/// data file's length in bytes (None: no data file) and the physical
/// memory (None: unknown): the limit if one is set; else streaming within
/// half of the memory when the design may exceed it, at most 4 bytes of
/// design per byte of CSV (each value takes a digit and a separator);
/// else in memory.
pub fn streaming(
    max_memory: Option<u64>,
    data_len: Option<u64>,
    physical: Option<u64>,
) -> Streaming {
    if let Some(limit) = max_memory {
        return Streaming::Limit(limit);
    }
    let (Some(len), Some(total)) = (data_len, physical) else {
        return Streaming::InMemory;
    };
    let half = total / 2;
    if len.saturating_mul(4) <= half {
        return Streaming::InMemory;
    }
    Streaming::HalfMemory(half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_a_file_whose_design_may_exceed_half_of_the_memory() {
        assert_eq!(
            streaming(Some(5), Some(1 << 40), Some(8)),
            Streaming::Limit(5)
        );
        assert_eq!(streaming(None, None, Some(8)), Streaming::InMemory);
        assert_eq!(streaming(None, Some(1 << 40), None), Streaming::InMemory);
        assert_eq!(streaming(None, Some(100), Some(800)), Streaming::InMemory);
        assert_eq!(
            streaming(None, Some(101), Some(800)),
            Streaming::HalfMemory(400)
        );
    }
}
