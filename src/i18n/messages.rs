//! The message files, embedded in the binary and parsed once; `t` looks a
//! message up in a language and formats it with its arguments.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::Lang;

const FILES: &[(Lang, &str)] = &[
    (Lang::En, include_str!("../../locales/en/careid.ftl")),
    (Lang::De, include_str!("../../locales/de/careid.ftl")),
    (Lang::Ar, include_str!("../../locales/ar/careid.ftl")),
];

/// The message file of `lang` as written (the tests compare the languages' keys).
pub fn resource_source(lang: Lang) -> &'static str {
    FILES.iter().find(|(l, _)| *l == lang).map(|(_, s)| *s).unwrap_or_default()
}

static BUNDLES: LazyLock<Vec<(Lang, FluentBundle<FluentResource>)>> =
    LazyLock::new(|| FILES.iter().map(|(lang, source)| (*lang, bundle(*lang, source))).collect());

#[allow(
    clippy::expect_used,
    reason = "start-up: the message files are embedded, and the tests load every one"
)]
fn bundle(lang: Lang, source: &'static str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("careid's language codes parse");
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, errors)| panic!("locales/{lang}/careid.ftl does not parse: {errors:?}"));
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Pages mark direction themselves (`<bdi>`, `dir="ltr"`); invisible
    // isolation marks would also land in text emails and SMS.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("locales/{lang}/careid.ftl repeats a message: {errors:?}"));
    bundle
}

/// The ids of every message in `lang`'s file (a message starts a line with
/// `id =`; terms, `-id =`, are not messages).
pub fn message_ids(lang: Lang) -> Vec<String> {
    resource_source(lang)
        .lines()
        .filter_map(|line| line.split_once(" ="))
        .map(|(id, _)| id)
        .filter(|id| id.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map(str::to_string)
        .collect()
}

/// An argument of a message: text, or a number (which picks plural forms).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

/// Message `key` in `lang`, without arguments.
pub fn t(lang: Lang, key: &str) -> String {
    t_with(lang, key, &[])
}

/// Message `key` in `lang` formatted with `args`. A missing message comes out
/// as its key and is logged (the tests fail on both).
pub fn t_with(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    let Some((_, bundle)) = BUNDLES.iter().find(|(l, _)| *l == lang) else {
        return key.to_string();
    };
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::error!(key, lang = %lang, "missing message");
        return key.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    // Messages name the platform as `$product`: the brand of the page being
    // answered, unless the caller names it (an email's recipient's brand).
    fluent_args.set("product", FluentValue::from(crate::brand::current::product_name()));
    for (name, value) in args {
        match value {
            Arg::Text(s) => fluent_args.set(*name, FluentValue::from(s.as_str())),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::error!(key, lang = %lang, errors = ?errors, "message formatting failed");
    }
    text.into_owned()
}
