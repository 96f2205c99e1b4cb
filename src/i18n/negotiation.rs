//! Which language a request is answered in. The sources, strongest first:
//! the authorization request's `ui_locales` (OIDC Core §3.1.2.1, kept in the
//! login transaction), the signed-in person's saved language, the language
//! the person picked in this browser (the `careid_lang` cookie), the
//! invitation's language, the deployment's default, `Accept-Language`, and
//! English. Each source is offered as it becomes known; the strongest wins.

use std::cell::Cell;
use std::future::Future;

use super::Lang;

/// Where a language came from, weakest first (the order is the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Fallback,
    AcceptLanguage,
    Deployment,
    Invitation,
    Browser,
    Person,
    UiLocales,
}

/// A language and the source that chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub lang: Lang,
    pub source: Source,
}

impl Default for Choice {
    fn default() -> Self {
        Choice { lang: Lang::En, source: Source::Fallback }
    }
}

impl Choice {
    /// This choice, or `lang` from `source` if that source is stronger.
    pub fn offer(self, source: Source, lang: Option<Lang>) -> Choice {
        match lang {
            Some(lang) if source > self.source => Choice { lang, source },
            _ => self,
        }
    }
}

/// The first language of a space-separated `ui_locales` list careid speaks.
pub fn from_ui_locales(ui_locales: &str) -> Option<Lang> {
    ui_locales.split_ascii_whitespace().take(20).find_map(Lang::from_tag)
}

/// The language of an `Accept-Language` header careid speaks with the
/// highest weight (ties: the earlier one); `q=0` means "not this one".
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, u16)> = None;
    for item in header.split(',').take(30) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map(|q| (q.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0) * 1000.0) as u16)
            .unwrap_or(1000);
        if weight == 0 {
            continue;
        }
        if let Some(lang) = Lang::from_tag(tag)
            && best.is_none_or(|(_, w)| weight > w)
        {
            best = Some((lang, weight));
        }
    }
    best.map(|(lang, _)| lang)
}

/// What one request knows of its language: the choice so far, and whether
/// it answers a form (a page without an address of its own).
struct RequestLang {
    choice: Cell<Choice>,
    answers_form: bool,
}

tokio::task_local! {
    static CURRENT: RequestLang;
}

/// Runs `fut` (the handling of one request) with `choice` as its language.
pub async fn scope<F: Future>(choice: Choice, answers_form: bool, fut: F) -> F::Output {
    CURRENT.scope(RequestLang { choice: Cell::new(choice), answers_form }, fut).await
}

/// The current request's choice (English outside a request).
pub fn current() -> Choice {
    CURRENT.try_with(|r| r.choice.get()).unwrap_or_default()
}

/// The page being answered is the answer to a form.
pub fn answers_form() -> bool {
    CURRENT.try_with(|r| r.answers_form).unwrap_or(false)
}

/// The deployment whose brand the page shows changed (the person's replaced
/// the client's): its default language replaces the earlier deployment's,
/// and still yields to every stronger source.
pub fn offer_deployment(lang: Option<Lang>) {
    let _ = CURRENT.try_with(|r| {
        let choice = r.choice.get();
        if let Some(lang) = lang
            && choice.source <= Source::Deployment
        {
            r.choice.set(Choice { lang, source: Source::Deployment });
        }
    });
}

/// Offers `lang` from `source` for the current request's pages.
pub fn offer(source: Source, lang: Option<Lang>) {
    let _ = CURRENT.try_with(|r| r.choice.set(r.choice.get().offer(source, lang)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stronger_sources_win_whatever_the_order() {
        let choice = Choice::default()
            .offer(Source::Person, Some(Lang::De))
            .offer(Source::AcceptLanguage, Some(Lang::Ar))
            .offer(Source::Invitation, Some(Lang::En));
        assert_eq!(choice, Choice { lang: Lang::De, source: Source::Person });
        assert_eq!(choice.offer(Source::UiLocales, Some(Lang::Ar)).lang, Lang::Ar);
        assert_eq!(choice.offer(Source::UiLocales, None).lang, Lang::De);
    }

    #[test]
    fn ui_locales_takes_the_first_known_language() {
        assert_eq!(from_ui_locales("fr-CA de-CH en"), Some(Lang::De));
        assert_eq!(from_ui_locales("fr ja"), None);
        assert_eq!(from_ui_locales(""), None);
    }

    #[test]
    fn accept_language_follows_weights() {
        assert_eq!(from_accept_language("fr;q=0.9, ar;q=0.5, de;q=0.7"), Some(Lang::De));
        assert_eq!(from_accept_language("de-DE,de;q=0.9,en;q=0.8"), Some(Lang::De));
        assert_eq!(from_accept_language("ar;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(from_accept_language("*"), None);
        assert_eq!(from_accept_language("de;q=bogus"), None);
    }
}
