//! patsy's term order and full-rank coding (`patsy.build.
//! _make_subterm_infos`, `patsy.redundancy.pick_contrasts_for_term`).
//!
//! Order: terms are grouped by the set of numeric factors they hold; the
//! group without numeric factors comes first, the others in order of first
//! appearance; within a group, terms keep their order but sort by their
//! number of factors (stable).
//!
//! Coding: within a group, a term's categorical factors expand into every
//! subset of them (smallest first), less the subsets an earlier term of the
//! group already spans; neighbouring subsets merge (a subset absorbs one
//! smaller by one factor, which is then coded in full); each remaining
//! subset is one block of columns, its factors coded by Treatment contrasts
//! (reduced rank) or in full. So `x:g` alone gets a column per level of g,
//! and `x + x:g` one per level but the reference.
use crate::spec::formula::Term;

/// How a factor enters a block of columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contrast {
    /// A numeric factor: its value.
    Numeric,
    /// A categorical factor, one column per level.
    Full,
    /// A categorical factor, one column per level but the reference
    /// (Treatment contrasts).
    Treatment,
}

/// One factor of a block: which (an index into the caller's factors) and
/// how it is coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubtermFactor {
    pub factor: usize,
    pub contrast: Contrast,
}

/// The terms in patsy's order (indices into `terms`), each with its blocks
/// of columns (a block's factors in the term's order).
pub fn order_and_code(
    terms: &[Term],
    is_numeric: impl Fn(usize) -> bool,
) -> Vec<(usize, Vec<Vec<SubtermFactor>>)> {
    let mut buckets: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        let mut key: Vec<usize> = term
            .factors
            .iter()
            .copied()
            .filter(|&f| is_numeric(f))
            .collect();
        key.sort_unstable();
        match buckets.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => buckets.push((key, vec![i])),
        }
    }
    if let Some(at) = buckets.iter().position(|(k, _)| k.is_empty()) {
        let empty = buckets.remove(at);
        buckets.insert(0, empty);
    }
    let mut out = Vec::new();
    for (_, mut members) in buckets {
        members.sort_by_key(|&i| terms[i].factors.len());
        let mut used: Vec<Vec<usize>> = Vec::new();
        for i in members {
            let term = &terms[i];
            let categorical: Vec<usize> = term
                .factors
                .iter()
                .copied()
                .filter(|&f| !is_numeric(f))
                .collect();
            let mut subterms: Vec<Vec<(usize, bool)>> = Vec::new();
            for subset in subsets_sorted(&categorical) {
                let mut key = subset.clone();
                key.sort_unstable();
                if !used.contains(&key) {
                    used.push(key);
                    subterms.push(subset.into_iter().map(|f| (f, false)).collect());
                }
            }
            simplify(&mut subterms);
            let blocks = subterms
                .iter()
                .map(|sub| {
                    term.factors
                        .iter()
                        .filter_map(|&f| {
                            if is_numeric(f) {
                                return Some(SubtermFactor {
                                    factor: f,
                                    contrast: Contrast::Numeric,
                                });
                            }
                            sub.iter()
                                .find(|(g, _)| *g == f)
                                .map(|&(_, full)| SubtermFactor {
                                    factor: f,
                                    contrast: if full {
                                        Contrast::Full
                                    } else {
                                        Contrast::Treatment
                                    },
                                })
                        })
                        .collect()
                })
                .collect();
            out.push((i, blocks));
        }
    }
    out
}

/// Every subset of `items`, by size, then by the items' positions
/// (patsy's `_subsets_sorted`).
fn subsets_sorted(items: &[usize]) -> Vec<Vec<usize>> {
    let n = items.len();
    let mut subsets: Vec<Vec<usize>> = (0u64..1 << n)
        .map(|mask| (0..n).filter(|&i| mask >> i & 1 == 1).collect())
        .collect();
    subsets.sort_by(|a: &Vec<usize>, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    subsets
        .into_iter()
        .map(|s| s.into_iter().map(|i| items[i]).collect())
        .collect()
}

/// patsy's `_simplify_subterms`: while some subterm absorbs an earlier one
/// (it has exactly one more factor, and all of the earlier one's), the
/// earlier one goes and the later one codes that extra factor in full.
fn simplify(subterms: &mut Vec<Vec<(usize, bool)>>) {
    'again: loop {
        for short in 0..subterms.len() {
            for long in short + 1..subterms.len() {
                let (s, l) = (&subterms[short], &subterms[long]);
                if l.len() == s.len() + 1 && s.iter().all(|e| l.contains(e)) {
                    let Some(&(extra, _)) = l.iter().find(|e| !s.contains(e)) else {
                        continue;
                    };
                    let mut merged = s.clone();
                    merged.push((extra, true));
                    subterms[long] = merged;
                    subterms.remove(short);
                    continue 'again;
                }
            }
        }
        break;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coded(sub: &[(usize, bool)]) -> String {
        let mut parts: Vec<String> = sub
            .iter()
            .map(|(f, full)| {
                format!(
                    "{}{}",
                    (b'a' + *f as u8) as char,
                    if *full { '+' } else { '-' }
                )
            })
            .collect();
        parts.sort();
        parts.join(" ")
    }

    /// patsy's `test__simplify_subterms`.
    #[test]
    fn simplifies_as_patsy() {
        let t = |given: Vec<Vec<(usize, bool)>>, expected: &[&str]| {
            let mut s = given;
            simplify(&mut s);
            let got: Vec<String> = s.iter().map(|x| coded(x)).collect();
            assert_eq!(got, expected);
        };
        let (a, b) = ((0, false), (1, false));
        t(vec![vec![a]], &["a-"]);
        t(vec![vec![], vec![a]], &["a+"]);
        t(vec![vec![], vec![a], vec![b], vec![a, b]], &["a+ b+"]);
        t(vec![vec![], vec![a], vec![a, b]], &["a+", "a- b-"]);
        t(vec![vec![a], vec![b], vec![a, b]], &["b-", "a- b+"]);
    }

    #[test]
    fn sorts_subsets_as_patsy() {
        assert_eq!(
            subsets_sorted(&[7, 8, 9]),
            vec![
                vec![],
                vec![7],
                vec![8],
                vec![9],
                vec![7, 8],
                vec![7, 9],
                vec![8, 9],
                vec![7, 8, 9]
            ]
        );
    }
}
