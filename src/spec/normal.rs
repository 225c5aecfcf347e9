//! The standard normal distribution in f64 as scipy computes it for
//! `scipy.stats.norm` (what statsmodels' probit link calls): Φ as cephes
//! `ndtr` (from erf and erfc), Φ⁻¹ as cephes `ndtri`, φ as
//! `exp(-x**2/2) / sqrt(2π)`.

use std::f64::consts::FRAC_1_SQRT_2;

/// `sqrt(2π)` as numpy computes `np.sqrt(2*np.pi)` (scipy's `_norm_pdf_C`).
const SQRT_2PI: f64 = 2.5066282746310002;

/// cephes' `MAXLOG`, log(2^1024): erfc underflows to 0 beyond it.
#[allow(clippy::excessive_precision)]
const MAXLOG: f64 = 7.09782712893383996843E2;

/// Φ(x), scipy's `special.ndtr` (cephes, with cephes' own erf and erfc): `0.5 + 0.5·erf(x/√2)` near 0,
/// else `0.5·erfc(|x|/√2)`, reflected for x > 0. NaN stays NaN.
pub fn cdf(a: f64) -> f64 {
    let x = a * FRAC_1_SQRT_2;
    let z = x.abs();
    if z < FRAC_1_SQRT_2 {
        0.5 + 0.5 * erf(x)
    } else {
        let y = 0.5 * erfc(z);
        if x > 0.0 {
            1.0 - y
        } else {
            y
        }
    }
}

/// The normal quantile of a two-sided interval at level 1 - alpha,
/// Φ⁻¹(1 - alpha/2): the one rule of every interval (the summary's,
/// predict's, and the ones a study's coverage counts).
pub fn interval_quantile(alpha: f64) -> f64 {
    ppf(1.0 - alpha / 2.0)
}

/// The two-sided p-value 2·Φ(-|z|), scipy's `2 * norm.sf(abs(z))` as
/// statsmodels' GLM reports it.
pub fn two_sided_p(z: f64) -> f64 {
    2.0 * cdf(-z.abs())
}

/// φ(x) = `exp(-x**2/2.0) / sqrt(2π)`, scipy's `_norm_pdf`.
pub fn pdf(x: f64) -> f64 {
    (-(x * x) / 2.0).exp() / SQRT_2PI
}

/// `coef[0]·x^N + … + coef[N]` by Horner's rule (cephes `polevl`).
fn polevl(x: f64, coef: &[f64]) -> f64 {
    coef.iter().fold(0.0, |acc, c| acc * x + c)
}

/// `x^N + coef[0]·x^(N-1) + … + coef[N-1]`, leading 1 implied (cephes
/// `p1evl`).
fn p1evl(x: f64, coef: &[f64]) -> f64 {
    coef[1..].iter().fold(x + coef[0], |acc, c| acc * x + c)
}

/// cephes `erf` (scipy's): a rational approximation for |x| <= 1, else
/// `1 - erfc(x)`.
#[allow(clippy::excessive_precision)]
fn erf(x: f64) -> f64 {
    const T: [f64; 5] = [
        9.60497373987051638749E0,
        9.00260197203842689217E1,
        2.23200534594684319226E3,
        7.00332514112805075473E3,
        5.55923013010394962768E4,
    ];
    const U: [f64; 5] = [
        3.35617141647503099647E1,
        5.21357949780152679795E2,
        4.59432382970980127987E3,
        2.26290000613890934246E4,
        4.92673942608635921086E4,
    ];
    if x.is_nan() {
        return f64::NAN;
    }
    if x.abs() > 1.0 {
        return 1.0 - erfc(x);
    }
    let z = x * x;
    x * polevl(z, &T) / p1evl(z, &U)
}

/// cephes `erfc` (scipy's): `exp(-a²)·P(|a|)/Q(|a|)` for |a| >= 1, with
/// two rational approximations split at 8; 0 (or 2) once `-a²` is below
/// `-MAXLOG` or the result underflows.
#[allow(clippy::excessive_precision)]
fn erfc(a: f64) -> f64 {
    const P: [f64; 9] = [
        2.46196981473530512524E-10,
        5.64189564831068821977E-1,
        7.46321056442269912687E0,
        4.86371970985681366614E1,
        1.96520832956077098242E2,
        5.26445194995477358631E2,
        9.34528527171957607540E2,
        1.02755188689515710272E3,
        5.57535335369399327526E2,
    ];
    const Q: [f64; 8] = [
        1.32281951154744992508E1,
        8.67072140885989742329E1,
        3.54937778887819891062E2,
        9.75708501743205489753E2,
        1.82390916687909736289E3,
        2.24633760818710981792E3,
        1.65666309194161350182E3,
        5.57535340817727675546E2,
    ];
    const R: [f64; 6] = [
        5.64189583547755073984E-1,
        1.27536670759978104416E0,
        5.01905042251180477414E0,
        6.16021097993053585195E0,
        7.40974269950448939160E0,
        2.97886665372100240670E0,
    ];
    const S: [f64; 6] = [
        2.26052863220117276590E0,
        9.39603524938001434673E0,
        1.20489539808096656605E1,
        1.70814450747565897222E1,
        9.60896809063285878198E0,
        3.36907645100081516050E0,
    ];
    if a.is_nan() {
        return f64::NAN;
    }
    let x = a.abs();
    if x < 1.0 {
        return 1.0 - erf(a);
    }
    let under = if a < 0.0 { 2.0 } else { 0.0 };
    let z = -a * a;
    if z < -MAXLOG {
        return under;
    }
    let z = z.exp();
    let (p, q) = if x < 8.0 {
        (polevl(x, &P), p1evl(x, &Q))
    } else {
        (polevl(x, &R), p1evl(x, &S))
    };
    let mut y = (z * p) / q;
    if a < 0.0 {
        y = 2.0 - y;
    }
    if y == 0.0 {
        under
    } else {
        y
    }
}

/// Φ⁻¹(y), scipy's `special.ndtri` (cephes, as ATen's `calc_ndtri`):
/// rational approximations on three intervals. 0 gives -inf, 1 gives inf,
/// values outside [0, 1] and NaN give NaN. The coefficients are cephes' as
/// published (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
pub fn ppf(y0: f64) -> f64 {
    // sqrt(2π), cephes' constant.
    const S2PI: f64 = 2.50662827463100050242E0;
    // exp(-2)
    const EXP_M2: f64 = 0.13533528323661269189;
    // 0 <= |y - 0.5| <= 3/8
    const P0: [f64; 5] = [
        -5.99633501014107895267E1,
        9.80010754185999661536E1,
        -5.66762857469070293439E1,
        1.39312609387279679503E1,
        -1.23916583867381258016E0,
    ];
    const Q0: [f64; 9] = [
        1.00000000000000000000E0,
        1.95448858338141759834E0,
        4.67627912898881538453E0,
        8.63602421390890590575E1,
        -2.25462687854119370527E2,
        2.00260212380060660359E2,
        -8.20372256168333339912E1,
        1.59056225126211695515E1,
        -1.18331621121330003142E0,
    ];
    // z = sqrt(-2 log y) in [2, 8)
    const P1: [f64; 9] = [
        4.05544892305962419923E0,
        3.15251094599893866154E1,
        5.71628192246421288162E1,
        4.40805073893200834700E1,
        1.46849561928858024014E1,
        2.18663306850790267539E0,
        -1.40256079171354495875E-1,
        -3.50424626827848203418E-2,
        -8.57456785154685413611E-4,
    ];
    const Q1: [f64; 9] = [
        1.00000000000000000000E0,
        1.57799883256466749731E1,
        4.53907635128879210584E1,
        4.13172038254672030440E1,
        1.50425385692907503408E1,
        2.50464946208309415979E0,
        -1.42182922854787788574E-1,
        -3.80806407691578277194E-2,
        -9.33259480895457427372E-4,
    ];
    // z in [8, 64)
    const P2: [f64; 9] = [
        3.23774891776946035970E0,
        6.91522889068984211695E0,
        3.93881025292474443415E0,
        1.33303460815807542389E0,
        2.01485389549179081538E-1,
        1.23716634817820021358E-2,
        3.01581553508235416007E-4,
        2.65806974686737550832E-6,
        6.23974539184983293730E-9,
    ];
    const Q2: [f64; 9] = [
        1.00000000000000000000E0,
        6.02427039364742014255E0,
        3.67983563856160859403E0,
        1.37702099489081330271E0,
        2.16236993594496635890E-1,
        1.34204006088543189037E-2,
        3.28014464682127739104E-4,
        2.89247864745380683936E-6,
        6.79019408009981274425E-9,
    ];
    if y0 == 0.0 {
        return f64::NEG_INFINITY;
    }
    if y0 == 1.0 {
        return f64::INFINITY;
    }
    if !(0.0..=1.0).contains(&y0) {
        return f64::NAN;
    }
    let mut y = y0;
    let mut negate = true;
    if y > 1.0 - EXP_M2 {
        y = 1.0 - y;
        negate = false;
    }
    if y > EXP_M2 {
        let y = y - 0.5;
        let y2 = y * y;
        let x = y + y * (y2 * polevl(y2, &P0) / polevl(y2, &Q0));
        return x * S2PI;
    }
    let x = (-2.0 * y.ln()).sqrt();
    let x0 = x - x.ln() / x;
    let z = 1.0 / x;
    let x1 = if x < 8.0 {
        z * polevl(z, &P1) / polevl(z, &Q1)
    } else {
        z * polevl(z, &P2) / polevl(z, &Q2)
    };
    let x = x0 - x1;
    if negate {
        -x
    } else {
        x
    }
}
