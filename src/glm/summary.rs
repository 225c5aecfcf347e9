//! statsmodels' `GLMResults.summary().as_text()`, character for character:
//! the two-column top block, the coefficient table, and (ours) a numbered
//! list of warnings under it, in statsmodels' "extra text" style.
use std::fmt::Write;

use super::pyfmt::{center, d_or_f, forg, py_str, pyformat};
use super::GlmFit;

/// The Date and Time values of the summary, already formatted as
/// statsmodels does (`%a, %d %b %Y` and `%H:%M:%S`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryTime {
    /// e.g. `Fri, 28 Nov 2025`.
    pub date: String,
    /// e.g. `00:00:00`.
    pub time: String,
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month 1-12, day) of a day count since 1970-01-01 (proleptic
/// Gregorian; Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, usize, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as usize, d)
}

impl SummaryTime {
    /// The wall-clock time `unix_s + utc_offset_s` (seconds since the epoch
    /// plus the zone's offset from UTC).
    pub fn from_unix(unix_s: i64, utc_offset_s: i64) -> Self {
        let t = unix_s + utc_offset_s;
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let wd = (days + 4).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
        SummaryTime {
            date: format!("{}, {:02} {} {:04}", WEEKDAYS[wd], d, MONTHS[m - 1], y),
            time: format!(
                "{:02}:{:02}:{:02}",
                secs / 3600,
                (secs / 60) % 60,
                secs % 60
            ),
        }
    }

    /// A `SOURCE_DATE_EPOCH` value (decimal seconds since the epoch),
    /// rendered in UTC as the reproducible-builds convention asks.
    /// `None` if it is not an integer.
    pub fn from_source_date_epoch(value: &str) -> Option<Self> {
        value
            .trim()
            .parse::<i64>()
            .ok()
            .map(|s| Self::from_unix(s, 0))
    }

    /// Now, in local time (statsmodels uses `time.localtime()`). The zone
    /// offset comes from the C library's `localtime_r` on 64-bit Unix;
    /// elsewhere UTC is used.
    pub fn now_local() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Self::from_unix(now, local_offset_s(now))
    }
}

/// Offset of local time from UTC at `unix_s`, in seconds.
#[cfg(all(unix, target_pointer_width = "64"))]
fn local_offset_s(unix_s: i64) -> i64 {
    use std::os::raw::{c_char, c_int, c_long};
    // `struct tm` as glibc, musl, macOS and the BSDs lay it out.
    #[repr(C)]
    struct Tm {
        tm_sec: c_int,
        tm_min: c_int,
        tm_hour: c_int,
        tm_mday: c_int,
        tm_mon: c_int,
        tm_year: c_int,
        tm_wday: c_int,
        tm_yday: c_int,
        tm_isdst: c_int,
        tm_gmtoff: c_long,
        tm_zone: *const c_char,
    }
    extern "C" {
        fn localtime_r(t: *const i64, out: *mut Tm) -> *mut Tm;
    }
    let mut tm = Tm {
        tm_sec: 0,
        tm_min: 0,
        tm_hour: 0,
        tm_mday: 0,
        tm_mon: 0,
        tm_year: 0,
        tm_wday: 0,
        tm_yday: 0,
        tm_isdst: 0,
        tm_gmtoff: 0,
        tm_zone: std::ptr::null(),
    };
    // SAFETY: both pointers are valid for the call; localtime_r writes only
    // into `tm` and is thread-safe.
    let ok = unsafe { !localtime_r(&unix_s, &mut tm).is_null() };
    if ok {
        tm.tm_gmtoff as i64
    } else {
        0
    }
}

#[cfg(not(all(unix, target_pointer_width = "64")))]
fn local_offset_s(_unix_s: i64) -> i64 {
    0
}

/// statsmodels' title for GLM results.
const TITLE: &str = "Generalized Linear Model Regression Results";

/// The top block: title, `=` rule, nine rows of two label/value pairs.
fn top_block(fit: &GlmFit, dep_variable: &str, when: &SummaryTime) -> Vec<String> {
    let left: [(&str, String); 9] = [
        ("Dep. Variable:", dep_variable.to_string()),
        ("Model:", "GLM".into()),
        ("Model Family:", fit.family.into()),
        ("Link Function:", fit.link.into()),
        ("Method:", fit.method().into()),
        ("Date:", when.date.clone()),
        ("Time:", when.time.clone()),
        ("No. Iterations:", fit.iterations.to_string()),
        ("Covariance Type:", "nonrobust".into()),
    ];
    let right: [(&str, String); 9] = [
        ("No. Observations:", d_or_f(fit.nobs)),
        ("Df Residuals:", d_or_f(fit.df_resid)),
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

    #[test]
    fn dates_match_python_strftime() {
        // time.strftime("%a, %d %b %Y", time.gmtime(t)) and "%H:%M:%S"
        for (t, date, time) in [
            (0, "Thu, 01 Jan 1970", "00:00:00"),
            (1764288000, "Fri, 28 Nov 2025", "00:00:00"),
            (951782400, "Tue, 29 Feb 2000", "00:00:00"),
            (1798761599, "Thu, 31 Dec 2026", "23:59:59"),
            (-1, "Wed, 31 Dec 1969", "23:59:59"),
            (4107542400 + 45296, "Mon, 01 Mar 2100", "12:34:56"),
        ] {
            let s = SummaryTime::from_unix(t, 0);
            assert_eq!((s.date.as_str(), s.time.as_str()), (date, time), "{t}");
        }
        // An offset moves the wall clock: UTC+1 at midnight UTC.
        let s = SummaryTime::from_unix(1764288000, 3600);
        assert_eq!(s.time, "01:00:00");
        assert_eq!(
            SummaryTime::from_source_date_epoch(" 1764288000\n"),
            Some(SummaryTime::from_unix(1764288000, 0))
        );
        assert_eq!(SummaryTime::from_source_date_epoch("soon"), None);
        assert_eq!(SummaryTime::now_local().time.len(), 8);
    }
}
