//! The languages careid speaks (English, German, Arabic): their message files
//! under locales/, the one place texts are looked up, and which language a
//! request is answered in.

mod dates;
mod messages;
pub mod negotiation;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use dates::datetime;
pub use messages::{Arg, message_ids, resource_source, t, t_with};
pub use negotiation::{Choice, Source};

/// A language careid has message files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    De,
    Ar,
}

impl Lang {
    /// Every language, in the order the switcher lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::De, Lang::Ar];

    /// Its BCP 47 primary language subtag (the `locale` claim, `<html lang>`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Ar => "ar",
        }
    }

    /// Text direction, for `<html dir>`.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            Lang::En | Lang::De => "ltr",
        }
    }

    /// The language's name in itself, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Ar => "العربية",
        }
    }

    /// The language of a BCP 47 tag (`de`, `de-CH`, `AR-ae`), if careid has it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// A language code given by an operator or a client (CLI, API, config):
    /// exactly one of careid's codes, so a typo is an error, not English.
    pub fn parse(code: &str) -> Result<Lang, UnknownLang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == code.trim().to_ascii_lowercase())
            .ok_or_else(|| UnknownLang(code.chars().take(20).collect()))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown language {0:?}: careid speaks en, de and ar")]
pub struct UnknownLang(pub String);

/// Message `key` in the language of the page being answered.
pub fn text(key: &str) -> String {
    t(current(), key)
}

/// Message `key` with `args` in the language of the page being answered.
pub fn text_with(key: &str, args: &[(&str, Arg)]) -> String {
    t_with(current(), key, args)
}

/// The language of the page being answered: set for each request by the web
/// layer, refined by what a handler learns (a login transaction's
/// `ui_locales`, the signed-in person, an invitation); English elsewhere.
pub fn current() -> Lang {
    negotiation::current().lang
}
