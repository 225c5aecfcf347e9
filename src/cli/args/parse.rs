//! The value parsers that several argument groups share: counts, numbers in a range, lists, the delimiter, links and the features' distribution.
use logreg::simulate::XDist;
use logreg::spec::LinkKind;

/// Coefficient list; an alias so clap takes one comma-separated value, not many.
pub type Coefs = Vec<f64>;

/// Parse `--beta 0.3,-1,2`: intercept first, at least two finite numbers.
pub fn parse_beta(s: &str) -> Result<Coefs, String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|t| {
            let t = t.trim();
            t.parse::<f64>()
                .ok()
                .filter(|b| b.is_finite())
                .ok_or_else(|| format!("'{t}' is not a finite number"))
        })
        .collect::<Result<_, _>>()?;
    if v.len() < 2 {
        return Err(format!(
            "needs an intercept and at least one coefficient (got {} value)",
            v.len()
        ));
    }
    Ok(v)
}

/// A whole number of at least 1 (rows, runs, iterations...).
pub fn parse_count(s: &str) -> Result<usize, String> {
    parse_whole(s, 1).and_then(|v| usize::try_from(v).map_err(|_| format!("'{s}' is too large")))
}

/// A whole number of at least 0 (`--steps`).
pub fn parse_steps(s: &str) -> Result<usize, String> {
    parse_whole(s, 0).and_then(|v| usize::try_from(v).map_err(|_| format!("'{s}' is too large")))
}

/// A whole number of at least `min`, with a message that says so.
pub fn parse_whole(s: &str, min: u64) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(v) if v >= min => Ok(v),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
            Err(format!("'{s}' is larger than {}", u64::MAX))
        }
        _ => Err(format!("'{s}' is not a whole number >= {min}")),
    }
}

pub fn parse_finite(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{s}' is not a finite number"))
}

/// A comma-separated list, each item parsed by `item` (an empty item is an
/// error): `--n 100,1000`. Each value makes cells of a grid, so a value
/// given twice (`100,100`, or `0.1,1e-1`) is an error too: its cells would
/// be one study's twice over.
pub fn parse_list<T: PartialEq>(
    s: &str,
    sep: char,
    item: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut out: Vec<T> = Vec::new();
    for t in s.split(sep) {
        let v = match t.trim() {
            "" => return Err(format!("'{s}' has an empty item")),
            t => item(t)?,
        };
        if out.contains(&v) {
            return Err(format!("'{s}' lists {} twice", t.trim()));
        }
        out.push(v);
    }
    Ok(out)
}

pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!("'{s}' is not a single ASCII character")),
    }
}

pub fn parse_positive(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| format!("'{s}' is not a positive finite number"))
}

pub fn parse_nonneg(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("'{s}' is not a finite number >= 0"))
}

pub fn parse_alpha(s: &str) -> Result<f64, String> {
    let v = s
        .parse::<f64>()
        .ok()
        .filter(|v| *v > 0.0 && *v < 1.0)
        .ok_or_else(|| format!("'{s}' is not in (0, 1)"))?;
    logreg::glm::check_alpha(v).map_err(|e| e.to_string())?;
    Ok(v)
}

/// A link by statsmodels' class name, any case (`logit`, `probit`, ...).
pub fn parse_link(t: &str) -> Result<LinkKind, String> {
    t.parse::<LinkKind>().map_err(|e| e.to_string())
}

/// A features' distribution: `uniform` or `normal`.
pub fn parse_x_dist(t: &str) -> Result<XDist, String> {
    t.parse::<XDist>()
}

/// A common correlation: finite, and above -1 and below 1 (the bound that
/// depends on the number of features is checked with `--beta`).
pub fn parse_corr(t: &str) -> Result<f64, String> {
    let r = parse_finite(t)?;
    match r > -1.0 && r < 1.0 {
        true => Ok(r),
        false => Err(format!(
            "'{t}' is not a correlation strictly between -1 and 1"
        )),
    }
}
