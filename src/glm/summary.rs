//! statsmodels' `GLMResults.summary().as_text()`, character for character:
//! the two-column top block, the coefficient table, and (ours) a numbered
//! list of warnings under it, in statsmodels' "extra text" style.
use std::fmt::Write;

use super::pyfmt::{center, d_or_f, forg, py_str, pyformat};
use super::GlmFit;
use crate::spec::Link;

/// The Date and Time values of the summary, already formatted as
/// statsmodels does (`%a, %d %b %Y` and `%H:%M:%S`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryTime {
    /// e.g. `Fri, 28 Nov 2025`.
    pub date: String,
    /// e.g. `00:00:00`.
    pub time: String,
}

impl SummaryTime {
    /// The wall clock of `zoned` in statsmodels' formats.
    fn from_zoned(zoned: &jiff::Zoned) -> Self {
        SummaryTime {
            date: zoned.strftime("%a, %d %b %Y").to_string(),
            time: zoned.strftime("%H:%M:%S").to_string(),
        }
    }

    /// `unix_s` seconds since the epoch, in UTC. `None` outside the years
    /// -9999 to 9999.
    pub fn utc(unix_s: i64) -> Option<Self> {
        let at = jiff::Timestamp::from_second(unix_s).ok()?;
        Some(Self::from_zoned(&at.to_zoned(jiff::tz::TimeZone::UTC)))
    }

    /// A `SOURCE_DATE_EPOCH` value (decimal seconds since the epoch),
    /// rendered in UTC as the reproducible-builds convention asks.
    /// `None` if it is not an integer or lies outside the years -9999 to
    /// 9999.
    pub fn from_source_date_epoch(value: &str) -> Option<Self> {
        Self::utc(value.trim().parse::<i64>().ok()?)
    }

    /// Now, in local time (statsmodels uses `time.localtime()`): the zone
    /// of `TZ` or the system's (`/etc/localtime`), UTC if neither can be
    /// read.
    pub fn now_local() -> Self {
        Self::from_zoned(&jiff::Zoned::now())
    }
}

/// statsmodels' `d_or_f` for a count that is a float: `"%#6d"` (every
/// digit of the whole number) when it is whole, else `"%#8.2f"`; `NaN`
/// right-aligned in 6.
fn d_or_f_float(x: f64) -> String {
    if x.is_nan() {
        "   NaN".into()
    } else if x.is_finite() && x.fract() == 0.0 {
        format!("{x:>6.0}")
    } else {
        format!("{x:>8.2}")
    }
}

/// statsmodels' title for GLM results.
const TITLE: &str = "Generalized Linear Model Regression Results";

/// The top block: title, `=` rule, nine rows of two label/value pairs.
fn top_block(fit: &GlmFit, dep_variable: &str, when: &SummaryTime) -> Vec<String> {
    let left: [(&str, String); 9] = [
        ("Dep. Variable:", dep_variable.to_string()),
        ("Model:", "GLM".into()),
        ("Model Family:", fit.family.into()),
        ("Link Function:", fit.link.name().into()),
        ("Method:", fit.method().into()),
        ("Date:", when.date.clone()),
        ("Time:", when.time.clone()),
        ("No. Iterations:", fit.iterations.to_string()),
        ("Covariance Type:", fit.cov_type.name().into()),
    ];
    let right: [(&str, String); 9] = [
        ("No. Observations:", d_or_f(fit.nobs)),
        ("Df Residuals:", d_or_f_float(fit.df_resid)),
        ("Df Model:", d_or_f(fit.df_model)),
        ("Scale:", pyformat("%#8.5g", fit.scale())),
        ("Log-Likelihood:", pyformat("%#8.5g", fit.llf)),
        ("Deviance:", pyformat("%#8.5g", fit.deviance)),
        ("Pearson chi2:", pyformat("%#6.3g", fit.pearson_chi2)),
        ("Pseudo R-squ. (CS):", pyformat("%#6.4g", fit.prsquared_cs)),
        (" ", " ".into()),
    ];
    // Right labels are "  " + label, left-justified in 21 (statsmodels pads
    // them itself); every column is at least 18 wide (fmt_2cols).
    let right: Vec<(String, String)> = right
        .into_iter()
        .map(|(l, v)| (format!("{:<21}", format!("  {l}")), v))
        .collect();
    let width_of = |it: &mut dyn Iterator<Item = usize>| it.max().unwrap_or(0).max(18);
    let w_ll = width_of(&mut left.iter().map(|(l, _)| l.chars().count()));
    let w_lv = width_of(&mut left.iter().map(|(_, v)| v.chars().count()));
    let w_rl = width_of(&mut right.iter().map(|(l, _)| l.chars().count()));
    let w_rv = width_of(&mut right.iter().map(|(_, v)| v.chars().count()));
    let width = w_ll + w_lv + w_rl + w_rv + 3;
    let mut lines = vec![center(TITLE, width), "=".repeat(width)];
    for ((ll, lv), (rl, rv)) in left.iter().zip(&right) {
        lines.push(format!("{ll:<w_ll$} {lv:>w_lv$} {rl:<w_rl$} {rv:>w_rv$}"));
    }
    lines
}

/// The coefficient table: `=` rule, header, `-` rule, one row per
/// coefficient, `=` rule.
fn params_block(fit: &GlmFit) -> Vec<String> {
    let header = [
        "coef".to_string(),
        "std err".into(),
        "z".into(),
        "P>|z|".into(),
        format!("[{}", py_str(fit.alpha / 2.0)),
        format!("{}]", py_str(1.0 - fit.alpha / 2.0)),
    ];
    let rows: Vec<[String; 6]> = (0..fit.params.len())
        .map(|i| {
            [
                forg(fit.params[i], 4),
                forg(fit.bse[i], 3),
                format!("{:>8}", forg(fit.tvalues[i], 3)),
                pyformat("%#6.3f", fit.pvalues[i]),
                format!("{:>11}", forg(fit.conf_int[i][0], 3)),
                format!("{:>11}", forg(fit.conf_int[i][1], 3)),
            ]
        })
        .collect();
    let stub_w = fit
        .names
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let widths: Vec<usize> = (0..6)
        .map(|j| {
            rows.iter()
                .map(|r| r[j].chars().count())
                .chain(std::iter::once(header[j].chars().count()))
                .max()
                .unwrap_or(0)
                .max(10)
        })
        .collect();
    let width = stub_w + widths.iter().map(|w| w + 1).sum::<usize>();
    let line = |stub: &str, cells: &[String]| {
        let mut s = format!("{stub:<stub_w$}");
        for (c, w) in cells.iter().zip(&widths) {
            let _ = write!(s, " {c:>w$}");
        }
        s
    };
    let mut lines = vec!["=".repeat(width), line("", &header), "-".repeat(width)];
    for (name, row) in fit.names.iter().zip(&rows) {
        lines.push(line(name, row));
    }
    lines.push("=".repeat(width));
    lines
}

/// statsmodels' `summary().as_text()` for `fit`, with `dep_variable` as
/// "Dep. Variable" and `when` as Date and Time. No trailing newline. Each
/// warning adds a numbered line under the table.
pub fn summary(fit: &GlmFit, dep_variable: &str, when: SummaryTime) -> String {
    let mut lines = top_block(fit, dep_variable, &when);
    lines.extend(params_block(fit));
    let mut text = lines.join("\n");
    if !fit.warnings.is_empty() {
        text.push_str("\n\nWarnings:");
        for (i, w) in fit.warnings.iter().enumerate() {
            let _ = write!(text, "\n[{}] {}", i + 1, w);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_values::reference_values;

    /// statsmodels' `d_or_f` on a float: `"%#6d"` for whole numbers (every
    /// digit), `"%#8.2f"` otherwise.
    #[test]
    fn float_counts_print_as_statsmodels_d_or_f() {
        assert_eq!(d_or_f_float(37.0), "    37");
        assert_eq!(d_or_f_float(3e20), "300000000000000000000");
        assert_eq!(d_or_f_float(-1.0), "    -1");
        assert_eq!(d_or_f_float(12.5), "   12.50");
        assert_eq!(d_or_f_float(f64::NAN), "   NaN");
    }

    /// Python's `time.strftime` of `time.gmtime(t)`, recorded by
    /// scripts/make_reference_values.py.
    #[test]
    fn source_date_epoch_matches_python_strftime_in_utc() {
        let rows = reference_values("strftime_utc");
        assert!(rows.len() >= 8, "only {} dates", rows.len());
        for row in rows {
            let t = row["source_date_epoch"].as_i64().expect("an integer");
            let want = (row["date"].as_str().unwrap(), row["time"].as_str().unwrap());
            let got = SummaryTime::from_source_date_epoch(&t.to_string())
                .unwrap_or_else(|| panic!("{t} refused"));
            assert_eq!((got.date.as_str(), got.time.as_str()), want, "{t}");
        }
    }

    #[test]
    fn source_date_epoch_is_trimmed_and_must_be_an_integer_in_range() {
        assert_eq!(
            SummaryTime::from_source_date_epoch(" 1764288000\n"),
            SummaryTime::utc(1764288000)
        );
        assert!(SummaryTime::utc(1764288000).is_some());
        for bad in ["soon", "1.5", "", "99999999999999", "-99999999999999"] {
            assert_eq!(SummaryTime::from_source_date_epoch(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn an_offset_moves_the_wall_clock() {
        // UTC+1 at 1764288000 (midnight UTC) reads one o'clock.
        let at = jiff::Timestamp::from_second(1764288000).unwrap();
        let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(1));
        let s = SummaryTime::from_zoned(&at.to_zoned(zone));
        assert_eq!(s.time, "01:00:00");
        assert_eq!(Some(s.date), SummaryTime::utc(1764288000).map(|u| u.date));
    }

    #[test]
    fn local_time_has_the_summary_shapes() {
        let now = SummaryTime::now_local();
        assert_eq!(now.time.len(), "00:00:00".len(), "{now:?}");
        assert_eq!(now.date.len(), "Thu, 01 Jan 1970".len(), "{now:?}");
    }
}
