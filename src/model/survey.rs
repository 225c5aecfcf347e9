//! [`Survey`]: a model file's top-level keys, each summarised without
//! keeping its values (a scalar's value, a list's length and what its items
//! are), so that types, shapes and duplicate keys are checked before any
//! list of numbers is built.
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// What one JSON value is. Lists keep only their length and a count of
/// their items by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Survey {
    Null,
    Bool,
    Number(f64),
    Text(String),
    List(ItemCounts),
    Object,
}

/// A list's items, counted by kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemCounts {
    /// How many items.
    pub len: usize,
    pub strings: usize,
    pub numbers: usize,
    /// Items that are lists of numbers only.
    pub number_lists: usize,
    /// The shortest and longest of those lists (0 when there are none).
    pub min_len: usize,
    pub max_len: usize,
}

impl ItemCounts {
    /// Every item is a string.
    pub fn all_strings(&self) -> bool {
        self.strings == self.len
    }

    /// Every item is a number.
    pub fn all_numbers(&self) -> bool {
        self.numbers == self.len
    }

    /// Every item is a list of numbers.
    pub fn all_number_lists(&self) -> bool {
        self.number_lists == self.len
    }
}

/// The top-level object of a file: its keys in file order with their
/// surveys, or the first key that appears twice.
#[derive(Debug)]
pub enum TopLevel {
    /// Not a JSON object.
    NotAnObject,
    /// A key that appears more than once.
    Duplicate(String),
    Keys(Vec<(String, Survey)>),
}

/// Survey the JSON `text` (one value, then only white space).
pub fn survey(text: &str) -> Result<TopLevel, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(top)
}

struct TopSeed;

impl<'de> DeserializeSeed<'de> for TopSeed {
    type Value = TopLevel;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TopLevel, D::Error> {
        d.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut seen = HashSet::new();
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                // The rest is only checked to be JSON: the message names this key.
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(TopLevel::Duplicate(key));
            }
            let value = map.next_value::<Survey>()?;
            keys.push((key, value));
        }
        Ok(TopLevel::Keys(keys))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TopLevel::NotAnObject)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<TopLevel, E> {
        Ok(TopLevel::NotAnObject)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<TopLevel, E> {
        Ok(TopLevel::NotAnObject)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<TopLevel, E> {
        Ok(TopLevel::NotAnObject)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<TopLevel, E> {
        Ok(TopLevel::NotAnObject)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<TopLevel, E> {
        Ok(TopLevel::NotAnObject)
    }
    fn visit_unit<E: de::Error>(self) -> Result<TopLevel, E> {
        Ok(TopLevel::NotAnObject)
    }
}

impl<'de> de::Deserialize<'de> for Survey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Survey, D::Error> {
        d.deserialize_any(SurveyVisitor)
    }
}

struct SurveyVisitor;

impl<'de> Visitor<'de> for SurveyVisitor {
    type Value = Survey;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Survey, E> {
        Ok(Survey::Bool)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Survey, E> {
        Ok(Survey::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Survey, E> {
        Ok(Survey::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Survey, E> {
        Ok(Survey::Number(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Survey, E> {
        Ok(Survey::Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Survey, E> {
        Ok(Survey::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Survey, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Survey::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Survey, A::Error> {
        let mut items = ItemCounts::default();
        while let Some(item) = seq.next_element::<Item>()? {
            items.len += 1;
            match item {
                Item::Text => items.strings += 1,
                Item::Number => items.numbers += 1,
                Item::Numbers(n) => {
                    items.min_len = if items.number_lists == 0 {
                        n
                    } else {
                        items.min_len.min(n)
                    };
                    items.max_len = items.max_len.max(n);
                    items.number_lists += 1;
                }
                Item::Other => {}
            }
        }
        Ok(Survey::List(items))
    }
}

/// One item of a list: a string, a number, a list of numbers (its length)
/// or anything else.
enum Item {
    Text,
    Number,
    Numbers(usize),
    Other,
}

impl<'de> de::Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
        d.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Item, E> {
        Ok(Item::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Item, E> {
        Ok(Item::Number)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Item, E> {
        Ok(Item::Number)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Item, E> {
        Ok(Item::Number)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Item, E> {
        Ok(Item::Text)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Item, E> {
        Ok(Item::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Item::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
        let (mut len, mut numbers) = (0, true);
        while let Some(item) = seq.next_element::<Item>()? {
            len += 1;
            numbers &= matches!(item, Item::Number);
        }
        Ok(if numbers {
            Item::Numbers(len)
        } else {
            Item::Other
        })
    }
}
