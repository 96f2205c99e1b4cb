//! zxcvbn's advice on a password in the page's language: each of its warnings
//! and suggestions has a message of its own in the three languages' files
//! (zxcvbn itself speaks English only). The match is exhaustive, so a new
//! kind of advice in zxcvbn fails to compile here until it has its message.

use zxcvbn::feedback::{Suggestion, Warning};

use crate::i18n::text;

pub fn warning(w: Warning) -> String {
    text(match w {
        Warning::StraightRowsOfKeysAreEasyToGuess => "password-tip-straight-rows",
        Warning::ShortKeyboardPatternsAreEasyToGuess => "password-tip-short-keyboard-patterns",
        Warning::RepeatsLikeAaaAreEasyToGuess => "password-tip-repeats-aaa",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => "password-tip-repeats-abcabc",
        Warning::ThisIsATop10Password => "password-tip-top-10",
        Warning::ThisIsATop100Password => "password-tip-top-100",
        Warning::ThisIsACommonPassword => "password-tip-common",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "password-tip-similar-to-common",
        Warning::SequencesLikeAbcAreEasyToGuess => "password-tip-sequences",
        Warning::RecentYearsAreEasyToGuess => "password-tip-recent-years",
        Warning::AWordByItselfIsEasyToGuess => "password-tip-single-word",
        Warning::DatesAreOftenEasyToGuess => "password-tip-dates",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => "password-tip-names-alone",
        Warning::CommonNamesAndSurnamesAreEasyToGuess => "password-tip-common-names",
    })
}

pub fn suggestion(s: Suggestion) -> String {
    text(match s {
        Suggestion::UseAFewWordsAvoidCommonPhrases => "password-tip-use-a-few-words",
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => "password-tip-no-need-for-symbols",
        Suggestion::AddAnotherWordOrTwo => "password-tip-add-a-word",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "password-tip-capitals",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => "password-tip-all-uppercase",
        Suggestion::ReversedWordsArentMuchHarderToGuess => "password-tip-reversed",
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => "password-tip-substitutions",
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => "password-tip-longer-pattern",
        Suggestion::AvoidRepeatedWordsAndCharacters => "password-tip-avoid-repeats",
        Suggestion::AvoidSequences => "password-tip-avoid-sequences",
        Suggestion::AvoidRecentYears => "password-tip-avoid-recent-years",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "password-tip-avoid-your-years",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "password-tip-avoid-your-dates",
    })
}
