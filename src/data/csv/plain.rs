//! The fast path's row kernel: lines whose cells are all plain numbers, found through the structural index and read by the exact decimal reader; any other line read by the row loop through the quote-free splitter.
use super::decimal::decimal;
use super::index::{Masks, Scan};
use super::lines::{Declined, Lines};
use super::rows::{Column, Next, Row, RowRule};

/// The rows of `region` (whole lines, the last one perhaps without LF),
/// as the row loop reads them through [`Lines`]: each kept row's `k` design
/// values to `x` and its target to `y`; the rows dropped. `columns` is the
/// rule's plan ([`RowRule::plain_columns`]).
///
/// A line is taken here when it has exactly one field per column, the
/// fields split at the delimiter and the line at LF (a CR before the LF
/// left out of the last field), and every used field is a number that
/// [`decimal`] reads (a target's 0 or 1): for such a line the row loop
/// gives the same values, bit for bit. Any other line (blank, ragged,
/// spaces, missing values, text, long numbers, ...) goes to the row loop
/// on that line alone, which takes it, drops it or declines. A quote
/// anywhere declines, as it does in [`Lines`].
#[allow(clippy::too_many_arguments)]
pub(super) fn plain_rows(
    region: &[u8],
    delimiter: u8,
    columns: &[Column],
    rule: &RowRule,
    k: usize,
    scan: Scan,
    x: &mut Vec<f64>,
    y: &mut Vec<f64>,
) -> Result<usize, Declined> {
    let n = columns.len();
    let mut row = rule.row();
    row.values[0] = 1.0;
    let mut values = row.values.clone();
    let mut dropped = 0;
    // Where the line and the field being read start, the field's column,
    // and whether the line is still plain.
    let (mut line, mut field, mut c, mut plain) = (0usize, 0usize, 0usize, true);
    let mut base = 0;
    while base < region.len() {
        let masks = block_masks(region, base, delimiter, scan);
        if masks.quote != 0 {
            return Err(Declined);
        }
        let mut ends = masks.delimiter | masks.line_end;
        while ends != 0 {
            let bit = ends.trailing_zeros();
            ends &= ends - 1;
            let at = base + bit as usize;
            let line_end = masks.line_end >> bit & 1 == 1;
            if plain {
                match columns.get(c) {
                    Some(&Column::Number { slot, target }) => {
                        let mut end = at;
                        if line_end && end > field && region[end - 1] == b'\r' {
                            end -= 1;
                        }
                        match number(&region[field..end], target) {
                            Some(v) => values[slot] = v,
                            None => plain = false,
                        }
                    }
                    Some(Column::Skip) => {}
                    None => plain = false,
                }
                c += 1;
            }
            field = at + 1;
            if line_end {
                if plain && c == n {
                    x.extend_from_slice(&values[..k]);
                    y.push(values[k]);
                } else {
                    dropped += one_line(&region[line..=at], delimiter, rule, k, &mut row, x, y)?;
                }
                (line, c, plain) = (at + 1, 0, true);
            }
        }
        base += 64;
    }
    if line < region.len() {
        dropped += one_line(&region[line..], delimiter, rule, k, &mut row, x, y)?;
    }
    Ok(dropped)
}

/// The masks of the 64 bytes of `region` from `base`; past its end, the
/// bytes count as zeros.
#[inline(always)]
fn block_masks(region: &[u8], base: usize, delimiter: u8, scan: Scan) -> Masks {
    match region.get(base..base + 64) {
        Some(block) => scan.masks(block.try_into().expect("64 bytes"), delimiter),
        None => {
            let mut block = [0u8; 64];
            let tail = &region[base..];
            block[..tail.len()].copy_from_slice(tail);
            let mut m = scan.masks(&block, delimiter);
            let real = (1u64 << tail.len()) - 1;
            m.delimiter &= real;
            m.line_end &= real;
            m.quote &= real;
            m
        }
    }
}

/// A used field's value when it is a plain number: a target's only when
/// it is 0 or 1 (`-0` read as 0).
#[inline(always)]
fn number(field: &[u8], target: bool) -> Option<f64> {
    if !target {
        return decimal(field);
    }
    match field {
        b"0" => Some(0.0),
        b"1" => Some(1.0),
        _ => decimal(field)
            .filter(|&v| v == 0.0 || v == 1.0)
            .map(f64::abs),
    }
}

/// One line that is not plain, by the row loop through [`Lines`]: its row
/// to `x` and `y` if kept; 1 if dropped for a missing value, else 0.
#[cold]
#[inline(never)]
fn one_line(
    text: &[u8],
    delimiter: u8,
    rule: &RowRule,
    k: usize,
    row: &mut Row,
    x: &mut Vec<f64>,
    y: &mut Vec<f64>,
) -> Result<usize, Declined> {
    match rule.next(&mut Lines::new(text, delimiter), row)? {
        Next::Kept => {
            x.extend_from_slice(&row.values[..k]);
            y.push(row.values[k]);
            Ok(0)
        }
        Next::Dropped => Ok(1),
        Next::End => Ok(0),
    }
}
