//! How far a long run has got, on stderr, as `--progress` asks: a bar with
//! an ETA (a spinner when the length is not known), plain lines for job
//! logs, or nothing. Stdout never carries it.
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use logreg::nn::StepProgress;

use super::args::{ProgressArg, ProgressHow};

/// Redraws a second of a bar drawn where stderr is not a terminal
/// (`--progress bar`), as indicatif draws on one.
const BAR_HZ: u8 = 20;

/// Reports of a network's training per run: the loop reports every
/// `steps / LOOKS_PER_RUN` steps (at least 1, at most [`MAX_LOOK_EVERY`]),
/// so a bar moves by about 1% and a look costs nothing measurable.
const LOOKS_PER_RUN: usize = 100;

/// The most steps between two reports of a network's training.
const MAX_LOOK_EVERY: usize = 1000;

/// How progress is shown, resolved once from `--progress` and whether
/// stderr is a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Nothing is shown (the run looks at no progress at all).
    Nothing,
    /// A bar on stderr; `forced`: drawn even where stderr is not a terminal.
    Bar { forced: bool },
    /// A plain line when at least `every` has passed since the last one,
    /// and one at the end.
    Lines { every: Duration },
}

impl Shown {
    /// What `arg` asks for, with `auto` decided by stderr.
    pub fn of(arg: &ProgressArg) -> Shown {
        Shown::resolve(arg.how, arg.every, std::io::stderr().is_terminal())
    }

    /// What `how` asks for when stderr `terminal` is one or not; `every`:
    /// the time between two lines.
    fn resolve(how: ProgressHow, every: Duration, terminal: bool) -> Shown {
        match how {
            ProgressHow::Auto if terminal => Shown::Bar { forced: false },
            ProgressHow::Auto | ProgressHow::Off => Shown::Nothing,
            ProgressHow::Bar => Shown::Bar { forced: !terminal },
            ProgressHow::Lines => Shown::Lines { every },
        }
    }
}

/// Where a display goes.
enum Out {
    Nothing,
    Bar(ProgressBar),
    /// `last`: when the last line was written (or the run began).
    Lines {
        every: Duration,
        last: Instant,
    },
}

impl Out {
    /// A bar of `len` units (a spinner when `None`) in `template`, or
    /// the lines, as `shown` says.
    fn new(shown: Shown, len: Option<u64>, template: &str) -> Out {
        let target = match shown {
            Shown::Nothing => return Out::Nothing,
            Shown::Lines { every } => {
                return Out::Lines {
                    every,
                    last: Instant::now(),
                }
            }
            Shown::Bar { forced: false } => ProgressDrawTarget::stderr(),
            Shown::Bar { forced: true } => {
                ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), BAR_HZ)
            }
        };
        let bar = ProgressBar::with_draw_target(len, target);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Out::Bar(bar)
    }

    /// Whether a line is due (and if so, the clock restarts).
    fn line_due(&mut self) -> bool {
        match self {
            Out::Lines { every, last } if last.elapsed() >= *every => {
                *last = Instant::now();
                true
            }
            _ => false,
        }
    }
}

impl Drop for Out {
    /// An unfinished bar is taken off the screen.
    fn drop(&mut self) {
        if let Out::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Work toward a known total: the steps of a network, the runs of a study.
/// `done` counts whole items; `position` the work done in finer units
/// (`scale` a item), which the rate and the ETA follow.
pub struct Counter {
    out: Out,
    unit: &'static str,
    total: u64,
    scale: u64,
    done: u64,
    position: u64,
    start: Instant,
    /// Steps between two reports, as a network's [`StepProgress`].
    look_every: usize,
}

impl Counter {
    /// `total` items named `unit` (plural), each `scale` units of work.
    pub fn new(shown: Shown, total: u64, unit: &'static str, scale: u64) -> Counter {
        let template = "{elapsed_precise} {wide_bar} {percent:>3}% {msg} (ETA {eta})";
        let out = Out::new(shown, Some(total.saturating_mul(scale)), template);
        if let Out::Bar(bar) = &out {
            bar.set_message(format!("0/{total} {unit}"));
        }
        Counter {
            out,
            unit,
            total,
            scale: scale.max(1),
            done: 0,
            position: 0,
            start: Instant::now(),
            look_every: usize::MAX,
        }
    }

    /// The steps of one network's training (`steps` of them).
    pub fn steps(shown: Shown, steps: usize) -> Counter {
        Counter {
            look_every: (steps / LOOKS_PER_RUN).clamp(1, MAX_LOOK_EVERY),
            ..Counter::new(shown, steps as u64, "steps", 1)
        }
    }

    /// What the training loop reports to: `None` when nothing is shown, so
    /// that the loop does not look at all.
    pub fn reported(&mut self) -> Option<&mut dyn StepProgress> {
        match self.out {
            Out::Nothing => None,
            _ => Some(self),
        }
    }

    /// `done` items completed, `position` units of work done.
    pub fn set(&mut self, done: u64, position: u64) {
        let moved = done != self.done;
        (self.done, self.position) = (done, position);
        if let Out::Bar(bar) = &self.out {
            if moved {
                bar.set_message(format!("{done}/{} {}", self.total, self.unit));
            }
            bar.set_position(position);
        } else if self.done < self.total && self.out.line_due() {
            // The end has its own line (`finish`).
            diag!("{}", self.line(None));
        }
    }

    /// Run `f` with the bar off the screen (for a line of its own on stderr).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.out {
            Out::Bar(bar) => bar.suspend(f),
            _ => f(),
        }
    }

    /// The run ended: the bar goes, the last line says how long it took.
    pub fn finish(mut self) {
        if let Out::Lines { .. } = self.out {
            diag!("{}", self.line(Some(self.start.elapsed())));
        }
        self.out = Out::Nothing;
    }

    /// `progress: 1200000/2000000 steps (60%), 118000 steps/s, ETA 7s`;
    /// with `took`, `done in` that instead of the ETA.
    fn line(&self, took: Option<Duration>) -> String {
        let secs = self.start.elapsed().as_secs_f64();
        let items = self.position as f64 / self.scale as f64;
        let rate = items / secs;
        let left = (self.total as f64 - items).max(0.0);
        let end = match took {
            Some(t) => format!("done in {}", clock(t.as_secs_f64())),
            None if rate > 0.0 && rate.is_finite() => format!("ETA {}", clock(left / rate)),
            None => "ETA unknown".into(),
        };
        let percent = (self.done.min(self.total) * 100)
            .checked_div(self.total)
            .unwrap_or(100);
        format!(
            "progress: {}/{} {unit} ({percent}%), {} {unit}/s, {end}",
            self.done,
            self.total,
            figures(rate),
            unit = self.unit
        )
    }
}

/// A network's training reports its steps to the counter.
impl StepProgress for Counter {
    fn every(&self) -> usize {
        self.look_every
    }

    fn steps(&mut self, steps: usize) {
        self.set(steps as u64, steps as u64);
    }
}

/// A run whose length is not known beforehand (IRLS iterations until the
/// deviance settles): a spinner with a message, or the message as a line.
pub struct Open {
    out: Out,
    start: Instant,
    said: String,
}

impl Open {
    /// Begin with the message `first`.
    pub fn new(shown: Shown, first: &str) -> Open {
        let out = Out::new(shown, None, "{elapsed_precise} {spinner} {msg}");
        if let Out::Bar(bar) = &out {
            bar.set_message(first.to_string());
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Open {
            out,
            start: Instant::now(),
            said: first.to_string(),
        }
    }

    /// Where the run has got, in words.
    pub fn say(&mut self, what: String) {
        if let Out::Bar(bar) = &self.out {
            bar.set_message(what.clone());
        } else if self.out.line_due() {
            diag!("progress: {what}");
        }
        self.said = what;
    }

    /// The run ended: the spinner goes; the last line repeats the last
    /// message and says how long it took.
    pub fn finish(mut self) {
        if let Out::Lines { .. } = self.out {
            let took = clock(self.start.elapsed().as_secs_f64());
            diag!("progress: {}, done in {took}", self.said);
        }
        self.out = Out::Nothing;
    }
}

/// A rate to three significant figures, never in exponent form: 118000,
/// 45.7, 0.0123.
pub fn figures(x: f64) -> String {
    if !(x.is_finite() && x > 0.0) {
        return "0".into();
    }
    let magnitude = x.log10().floor() as i32;
    match magnitude >= 2 {
        true => {
            let unit = 10f64.powi(magnitude - 2);
            format!("{:.0}", (x / unit).round() * unit)
        }
        false => format!("{x:.*}", (2 - magnitude) as usize),
    }
}

/// Seconds as a clock reading, rounded to the second: `7s`, `2m05s`,
/// `3h07m`.
pub fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_a_bar_on_a_terminal_and_nothing_elsewhere() {
        let every = Duration::from_secs(10);
        let on = |how, terminal| Shown::resolve(how, every, terminal);
        assert_eq!(on(ProgressHow::Auto, true), Shown::Bar { forced: false });
        assert_eq!(on(ProgressHow::Auto, false), Shown::Nothing);
        assert_eq!(on(ProgressHow::Bar, false), Shown::Bar { forced: true });
        assert_eq!(on(ProgressHow::Off, true), Shown::Nothing);
        assert_eq!(on(ProgressHow::Lines, true), Shown::Lines { every });
    }

    #[test]
    fn rates_keep_three_figures_without_an_exponent() {
        let cases = [
            (118_234.0, "118000"),
            (456.7, "457"),
            (45.67, "45.7"),
            (4.567, "4.57"),
            (0.012_34, "0.0123"),
            (0.0, "0"),
            (f64::INFINITY, "0"),
        ];
        for (x, want) in cases {
            assert_eq!(figures(x), want, "{x}");
        }
    }

    #[test]
    fn times_read_as_a_clock() {
        let cases = [
            (0.2, "0s"),
            (7.4, "7s"),
            (59.6, "1m00s"),
            (125.0, "2m05s"),
            (11_220.0, "3h07m"),
        ];
        for (s, want) in cases {
            assert_eq!(clock(s), want, "{s}");
        }
    }

    #[test]
    fn a_line_says_done_total_rate_and_eta() {
        let mut c = Counter::new(Shown::Nothing, 2_000_000, "steps", 1);
        c.set(1_200_000, 1_200_000);
        c.start = Instant::now() - Duration::from_secs(10);
        assert_eq!(
            c.line(None),
            "progress: 1200000/2000000 steps (60%), 120000 steps/s, ETA 7s"
        );
        assert_eq!(
            c.line(Some(Duration::from_secs(17))),
            "progress: 1200000/2000000 steps (60%), 120000 steps/s, done in 17s"
        );
        let c = Counter::new(Shown::Nothing, 10, "runs", 1000);
        assert!(
            c.line(None).ends_with("0 runs/s, ETA unknown"),
            "{}",
            c.line(None)
        );
    }

    #[test]
    fn a_network_reports_about_a_hundred_times_and_at_most_every_thousand_steps() {
        let every = |steps| Counter::steps(Shown::Nothing, steps).every();
        assert_eq!(every(20_000), 200);
        assert_eq!(every(2_000_000), MAX_LOOK_EVERY);
        assert_eq!(every(50), 1);
        let mut quiet = Counter::steps(Shown::Nothing, 100);
        assert!(quiet.reported().is_none());
    }
}
