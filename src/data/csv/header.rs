//! The header row, and which column of the file plays which role.
use std::collections::HashMap;

use crate::data::DataError;
use crate::setting::{Phrase, Setting};
use crate::spec::roles::{is_weight, NUMERIC_ROLES};

use super::rows::Take;
use super::CsvOptions;

/// Name of the intercept column, as statsmodels' `add_constant` names it.
pub const INTERCEPT: &str = "const";

/// What a column of the file becomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Role {
    /// Not used, not parsed.
    Skip,
    Target,
    /// Design column (1-based: column 0 is the intercept).
    Feature(usize),
    /// A numeric per-row role column: index into [`NUMERIC_ROLES`].
    Numeric(usize),
    /// The cluster-group labels (text, not parsed).
    Label,
}

impl Role {
    /// How the row loop reads the column, in a row of `k` design values,
    /// then the target, then the numeric role columns.
    pub(super) fn take(self, k: usize) -> Take {
        let number = |slot, target, weight| Take::Number {
            slot,
            target,
            feature: matches!(self, Role::Feature(_)),
            weight,
        };
        match self {
            Role::Skip => Take::Skip,
            Role::Label => Take::Text { slot: 0 },
            Role::Target => number(k, true, None),
            Role::Feature(j) => number(j, false, None),
            Role::Numeric(i) => {
                let role = NUMERIC_ROLES[i];
                number(k + 1 + i, false, is_weight(role).then_some(role))
            }
        }
    }
}

/// Column names from the header row: UTF-8, trimmed, distinct. A name may
/// be empty (a pandas index is written with none): such a column is never
/// a feature by default, and no flag can name it.
pub(super) fn parse_header(
    rec: &::csv::ByteRecord,
    file: &str,
    line: u64,
) -> Result<Vec<String>, DataError> {
    let mut names: Vec<String> = Vec::with_capacity(rec.len());
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(rec.len());
    for (c, raw) in rec.iter().enumerate() {
        let col = c + 1;
        let name = std::str::from_utf8(raw).map_err(|_| DataError::NameNotUtf8 {
            file: file.into(),
            line,
            col,
            name: String::from_utf8_lossy(raw).into_owned(),
        })?;
        // The CSV reader strips a BOM at the start of the input; this catches
        // one it missed, and one after leading blank lines.
        let name = if c == 0 {
            name.trim_start_matches('\u{feff}')
        } else {
            name
        };
        let name = name.trim();
        if name.contains('\r') {
            return Err(DataError::BareCr { file: file.into() });
        }
        if name.is_empty() {
            names.push(String::new());
            continue;
        }
        if let Some(first) = seen.insert(name.to_string(), col) {
            return Err(DataError::DuplicateName {
                file: file.into(),
                line,
                name: name.into(),
                first,
                second: col,
            });
        }
        names.push(name.to_string());
    }
    Ok(names)
}

/// Which columns of a file play which role.
pub(super) struct Chosen {
    /// The role of each file column.
    pub roles: Vec<Role>,
    /// The design's names (`const` first).
    pub names: Vec<String>,
    /// The columns (1-based) with no name, left out of the features.
    pub unnamed: Vec<usize>,
}

/// The role of each file column, the design's names, and the unnamed
/// columns left out ([`Chosen`]).
pub(super) fn choose_columns(
    header: &[String],
    opts: &CsvOptions,
    file: &str,
    line: u64,
) -> Result<Chosen, DataError> {
    let target = opts.target.trim();
    let index: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_empty())
        .map(|(c, h)| (h.as_str(), c))
        .collect();
    let find = |name: &str| index.get(name).copied();
    let t = find(target).ok_or_else(|| DataError::NoTarget {
        file: file.into(),
        line,
        target: target.into(),
        available: header.to_vec(),
    })?;
    let roles_at = role_columns(header, opts, t, &find, file, line)?;
    let is_role = |c: usize| roles_at.iter().any(|&(_, rc)| rc == c);
    let features: Vec<usize> = match &opts.features {
        None => (0..header.len())
            .filter(|&c| c != t && !is_role(c) && !header[c].is_empty())
            .collect(),
        Some(list) => {
            let mut cols = Vec::with_capacity(list.len());
            let mut taken = vec![false; header.len()];
            for name in list {
                let name = name.trim();
                let c = find(name).ok_or_else(|| DataError::NoFeature {
                    file: file.into(),
                    line,
                    name: name.into(),
                    available: header.to_vec(),
                })?;
                if c == t {
                    return Err(DataError::TargetIsFeature {
                        file: file.into(),
                        name: name.into(),
                    });
                }
                if let Some(&(role, _)) = roles_at.iter().find(|&&(_, rc)| rc == c) {
                    return Err(DataError::RoleConflict {
                        file: file.into(),
                        name: name.into(),
                        role,
                        other: Phrase(vec!["a feature".into()]),
                    });
                }
                if std::mem::replace(&mut taken[c], true) {
                    return Err(DataError::RepeatedFeature {
                        file: file.into(),
                        name: name.into(),
                    });
                }
                cols.push(c);
            }
            cols
        }
    };
    // Said whether the features are the default ones or named: either way
    // a column without a name is not among them.
    let unnamed: Vec<usize> = (0..header.len())
        .filter(|&c| header[c].is_empty() && !features.contains(&c))
        .collect();
    if features.is_empty() {
        return Err(DataError::NoFeatures {
            file: file.into(),
            line,
            target: target.into(),
        });
    }
    let mut roles = vec![Role::Skip; header.len()];
    roles[t] = Role::Target;
    for &(role, c) in &roles_at {
        roles[c] = match NUMERIC_ROLES.iter().position(|&r| r == role) {
            Some(i) => Role::Numeric(i),
            None => Role::Label,
        };
    }
    let mut names = Vec::with_capacity(features.len() + 1);
    names.push(INTERCEPT.to_string());
    for (j, &c) in features.iter().enumerate() {
        if header[c] == INTERCEPT {
            return Err(DataError::ConstName {
                file: file.into(),
                line,
            });
        }
        roles[c] = Role::Feature(j + 1);
        names.push(header[c].clone());
    }
    Ok(Chosen {
        roles,
        names,
        unnamed: unnamed.iter().map(|c| c + 1).collect(),
    })
}

/// The file column of each role named in `opts.roles`, refused when it is
/// not in the header, is the target, or plays two roles.
fn role_columns(
    header: &[String],
    opts: &CsvOptions,
    target: usize,
    find: &dyn Fn(&str) -> Option<usize>,
    file: &str,
    line: u64,
) -> Result<Vec<(Setting, usize)>, DataError> {
    let mut found: Vec<(Setting, usize)> = Vec::new();
    for (role, name) in opts.roles.named() {
        let c = find(name).ok_or_else(|| DataError::NoRoleColumn {
            file: file.into(),
            line,
            role,
            name: name.into(),
            available: header.to_vec(),
        })?;
        let other = match found.iter().find(|&&(_, fc)| fc == c) {
            _ if c == target => Some(Phrase(vec!["the target".into()])),
            Some((r, _)) => Some(Phrase(vec!["the ".into(), (*r).into(), " column".into()])),
            None => None,
        };
        if let Some(other) = other {
            return Err(DataError::RoleConflict {
                file: file.into(),
                name: name.into(),
                role,
                other,
            });
        }
        found.push((role, c));
    }
    Ok(found)
}
