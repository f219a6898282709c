//! Who a generated member is: name, sex and gender, EEO-1 race, home address and phone.

use super::catalog::{City, Country, EEO1_RACES};
use super::names::{CULTURES, Culture, ENGLISH, Name};
use super::rng::Rng;
use super::wire::{Address, MemberName, Phone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sex {
    Female,
    Male,
}

pub(crate) struct Person {
    pub given: String,
    pub family: String,
    pub middle: Option<String>,
    pub preferred: Option<String>,
    /// `given.family`, lower-case ASCII: the start of a work email.
    pub email_local: String,
    pub sex: Sex,
    pub sex_recorded: bool,
    pub gender: Option<&'static str>,
    pub race: Option<&'static str>,
}

impl Person {
    /// A person of a culture drawn with the weights of people living in `country`.
    /// `latin_only` keeps the name in Latin letters (the org head, whose name people
    /// type into orgsync).
    pub(crate) fn generate(rng: &mut Rng, country: &str, latin_only: bool) -> Self {
        let weights: Vec<u32> = CULTURES
            .iter()
            .map(|c| c.weight * if c.home.contains(&country) { 6 } else { 1 })
            .collect();
        let culture = &CULTURES[rng.weighted(&weights)];
        let sex = if rng.chance(0.5) {
            Sex::Female
        } else {
            Sex::Male
        };
        let native =
            culture.native_script >= 1.0 || (!latin_only && rng.chance(culture.native_script));
        let written = |name: &Name| {
            if native {
                name.display.clone()
            } else {
                name.latin()
            }
        };

        let given = Name::parse(rng.choose(first_names(culture, sex)));
        let mut family = family_name(rng, culture, sex);
        if rng.chance(culture.hyphenated) {
            let second = family_name(rng, culture, sex);
            if second.ascii != family.ascii {
                family.display = format!("{}-{}", family.display, second.display);
                family.ascii = format!("{}-{}", family.ascii, second.ascii);
            }
        }
        let middle = rng
            .chance(culture.middle)
            .then(|| Name::parse(rng.choose(first_names(culture, sex))))
            .filter(|m| m.ascii != given.ascii)
            .map(|m| written(&m));
        let preferred = match given.nick {
            Some(nick) if rng.chance(0.35) => Some(nick.to_string()),
            _ if rng.chance(culture.english_preferred) => {
                let english = &CULTURES[ENGLISH];
                let name = Name::parse(rng.choose(first_names(english, sex)));
                Some(
                    name.nick
                        .filter(|_| rng.chance(0.5))
                        .map_or(name.display, str::to_string),
                )
            }
            _ => None,
        };
        let email_local = format!("{}.{}", email_part(&given.ascii), email_part(&family.ascii));

        let roll = rng.unit();
        let gender = match (roll, sex) {
            (r, _) if r < 0.02 => Some("Non-binary"),
            (r, _) if r < 0.05 => None,
            (r, Sex::Female) if r < 0.055 => Some("Man"),
            (r, Sex::Male) if r < 0.055 => Some("Woman"),
            (_, Sex::Female) => Some("Woman"),
            (_, Sex::Male) => Some("Man"),
        };
        let race = (!rng.chance(0.07)).then(|| EEO1_RACES[rng.weighted(&culture.races)]);
        Self {
            given: written(&given),
            family: written(&family),
            middle,
            preferred,
            email_local,
            sex,
            sex_recorded: !rng.chance(0.02),
            gender,
            race,
        }
    }

    #[cfg(test)]
    pub(crate) fn full_name(&self) -> String {
        format!("{} {}", self.given, self.family)
    }

    pub(crate) fn wire_name(&self) -> MemberName {
        MemberName {
            given_name: self.given.clone(),
            family_name: self.family.clone(),
            full_preferred_name: self
                .preferred
                .as_ref()
                .map(|p| format!("{p} {}", self.family)),
            preferred_name: self.preferred.clone(),
            additional_names: self.middle.iter().cloned().collect(),
        }
    }
}

fn first_names(culture: &Culture, sex: Sex) -> &'static [&'static str] {
    match sex {
        Sex::Female => culture.female,
        Sex::Male => culture.male,
    }
}

fn family_name(rng: &mut Rng, culture: &Culture, sex: Sex) -> Name {
    let name = Name::parse(rng.choose(culture.family));
    if culture.gendered_family && sex == Sex::Female {
        name.feminine()
    } else {
        name
    }
}

/// Email addresses keep letters and hyphens: "o'brien" → "obrien", "de la cruz" → "delacruz".
fn email_part(ascii: &str) -> String {
    ascii
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// A home address in `city` (a city of `country`).
pub(crate) fn home_address(
    rng: &mut Rng,
    country: &'static Country,
    city: &'static City,
) -> Address {
    let street = rng.pick(country.streets);
    let number = rng.between(1, if country.code == "US" { 4_999 } else { 180 });
    let line1 = if country.number_first {
        format!("{number} {street}")
    } else {
        format!("{street} {number}")
    };
    let line2 = rng.chance(0.3).then(|| {
        let unit = rng.between(1, 40);
        match country.code {
            "US" => format!("Apt {unit}{}", rng.pick(&["A", "B", "C", "D"])),
            "GB" | "IE" => format!("Flat {unit}"),
            "CA" => format!("Unit {}", unit * 100 + rng.between(1, 20)),
            "DE" => format!("{}. OG", unit % 6 + 1),
            "ES" => format!("{}º {}", unit % 8 + 1, rng.pick(&["A", "B", "C"])),
            "MX" => format!("Depto. {}", unit * 100 + 1),
            "BR" => format!("Apto {}", unit * 10 + 1),
            _ => format!("#{unit}"),
        }
    });
    Address {
        kind: Some("home"),
        line1,
        line2,
        city: city.name,
        state: city.state,
        postal_code: rng.choose(city.postal_codes),
        country: country.code,
    }
}

pub(crate) fn phone(rng: &mut Rng, city: &City, kind: &'static str) -> Phone {
    let mut number = city.phone_prefix.to_string();
    for _ in 0..city.phone_digits {
        number.push(char::from(b'0' + rng.below(10) as u8));
    }
    Phone { number, kind }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_org_head_is_named_in_latin_letters() {
        let mut rng = Rng::new(11);
        for _ in 0..2_000 {
            let person = Person::generate(&mut rng, "US", true);
            let name = person.full_name();
            assert!(
                name.chars().all(|c| c.is_ascii()
                    || ('\u{C0}'..='\u{24F}').contains(&c)
                    || ('\u{1E00}'..='\u{1EFF}').contains(&c)
                    || c == 'ʻ'),
                "{name}"
            );
        }
    }

    #[test]
    fn people_come_from_many_cultures_and_scripts() {
        let mut rng = Rng::new(5);
        let names: Vec<String> = (0..3_000)
            .map(|_| Person::generate(&mut rng, "US", false).full_name())
            .collect();
        let has = |f: fn(char) -> bool| names.iter().any(|n| n.chars().any(f));
        assert!(has(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "Han");
        assert!(has(|c| ('\u{400}'..='\u{4FF}').contains(&c)), "Cyrillic");
        assert!(has(|c| ('\u{600}'..='\u{6FF}').contains(&c)), "Arabic");
        assert!(has(|c| ('\u{C0}'..='\u{24F}').contains(&c)), "accents");
        assert!(names.iter().any(|n| n.contains('\'')), "apostrophes");
        assert!(names.iter().any(|n| n.contains('-')), "hyphens");
    }

    #[test]
    fn email_parts_are_plain_ascii() {
        assert_eq!(email_part("o'brien"), "obrien");
        assert_eq!(email_part("de la cruz"), "delacruz");
        assert_eq!(email_part("smith-jones"), "smith-jones");
    }
}
