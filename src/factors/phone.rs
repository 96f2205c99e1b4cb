//! Mobile numbers, parsed with libphonenumber's metadata and kept in E.164.

use phonenumber::Type;
use phonenumber::metadata::DATABASE;

/// A valid mobile number in E.164 (`+447400123456`); the only way to get one is [`PhoneNumber::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    country_code: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("This is not a phone number we recognise. Please include the country code, for example +44.")]
    Invalid,
    #[error("This number cannot receive text messages. Please use a mobile number.")]
    NotMobile,
}

impl PhoneNumber {
    /// Accepts international notation with spaces, dashes or brackets; national
    /// notation is refused because careid cannot know the person's country.
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        let input = input.trim();
        if input.is_empty() || input.len() > 32 {
            return Err(PhoneError::Invalid);
        }
        let number = phonenumber::parse(None, input).map_err(|_| PhoneError::Invalid)?;
        if !number.is_valid() {
            return Err(PhoneError::Invalid);
        }
        // Where the metadata cannot tell mobile from fixed (the US and Canada),
        // the number is given the benefit of the doubt; the code proves it anyway.
        match number.number_type(&DATABASE) {
            Type::Mobile | Type::FixedLineOrMobile => {}
            _ => return Err(PhoneError::NotMobile),
        }
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        Ok(PhoneNumber { e164, country_code: number.country().code() })
    }

    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The country calling code (44 for the UK), for per-country budgets.
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// The last two digits only, for pages and logs.
    pub fn masked(&self) -> String {
        let tail: String = self.e164.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
        format!("+{} ••• {tail}", self.country_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_normalised_to_e164() {
        let n = PhoneNumber::parse(" +44 7400 123-456 ").unwrap();
        assert_eq!(n.e164(), "+447400123456");
        assert_eq!(n.country_code(), 44);
        assert_eq!(n.masked(), "+44 ••• 56");
        assert_eq!(PhoneNumber::parse("+49 151 23456789").unwrap().e164(), "+4915123456789");
    }

    #[test]
    fn invalid_and_fixed_line_numbers_are_refused() {
        for bad in ["", "12345", "07700900123", "+44 12", "not a number", "+999 1234567"] {
            assert_eq!(PhoneNumber::parse(bad), Err(PhoneError::Invalid), "{bad:?}");
        }
        // A London landline.
        assert_eq!(PhoneNumber::parse("+44 20 7946 0018"), Err(PhoneError::NotMobile));
    }

    mod prop {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn prop_numbers_parse_or_are_refused_and_e164_round_trips(
                input in prop_oneof!["\\PC{0,40}", "\\+[0-9 ()-]{0,20}"]
            ) {
                if let Ok(number) = PhoneNumber::parse(&input) {
                    prop_assert!(number.e164().starts_with('+'));
                    prop_assert_eq!(PhoneNumber::parse(number.e164()), Ok(number.clone()));
                }
            }
        }
    }
}
