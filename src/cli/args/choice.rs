//! A flag that takes one of a library type's names: clap lists, parses and
//! refuses them as it does a `ValueEnum`, from the library's own names.
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// The values of a flag: each a library value with its name and help line.
#[derive(Clone)]
pub struct Choice<T: 'static> {
    values: Vec<(T, PossibleValue)>,
}

impl<T: Copy + Send + Sync + 'static> Choice<T> {
    /// `values` in the order the help lists them, each named by `name` and
    /// explained by `help` (an empty line: no explanation).
    pub fn new(
        values: impl IntoIterator<Item = T>,
        name: fn(T) -> &'static str,
        help: fn(T) -> &'static str,
    ) -> Self {
        let values = values
            .into_iter()
            .map(|v| {
                let value = PossibleValue::new(name(v));
                // An empty line is no help: clap then lists the names inline.
                match help(v) {
                    "" => (v, value),
                    line => (v, value.help(line)),
                }
            })
            .collect();
        Choice { values }
    }
}

impl<T: Copy + Send + Sync + 'static> TypedValueParser for Choice<T> {
    type Value = T;

    /// Clap's `ValueEnum` parsing: the same matching and the same error (a
    /// value that is not UTF-8 is refused as its lossy text).
    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let names = PossibleValuesParser::new(self.values.iter().map(|(_, p)| p.clone()));
        let text = value.to_string_lossy();
        let name = names.parse_ref(cmd, arg, std::ffi::OsStr::new(&*text))?;
        let ignore_case = arg.is_some_and(|a| a.is_ignore_case_set());
        self.values
            .iter()
            .find(|(_, p)| p.matches(&name, ignore_case))
            .map(|(v, _)| *v)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values.iter().map(|(_, p)| p.clone())))
    }
}
