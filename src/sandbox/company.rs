//! The generated company itself — name, email domain, departments and offices — and the
//! service user's credentials. Both depend on the seed alone, so the credentials pasted
//! into orgsync keep working whatever `--members` the sandbox is restarted with.

use serde_json::{Value, json};

use super::catalog::{
    COMPANY_PREFIXES, COMPANY_SUFFIXES, COUNTRIES, City, Country, DEPARTMENTS, HQ_CANDIDATES,
    OFFICE_SITES, US,
};
use super::rng::Rng;
use super::wire::Address;

const COMPANY_STREAM: u64 = 1;
const CREDENTIALS_STREAM: u64 = 2;
const OFFICES_STREAM: u64 = 3;

pub(crate) struct Company {
    pub id: String,
    pub name: String,
    /// The work email domain, under the `.test` top-level domain reserved for testing.
    pub domain: String,
    pub departments: Vec<Department>,
    pub offices: Vec<Office>,
}

pub(crate) struct Department {
    pub id: String,
    /// Index into `catalog::DEPARTMENTS`.
    pub kind: usize,
}

impl Department {
    pub(crate) fn name(&self) -> &'static str {
        DEPARTMENTS[self.kind].name
    }
}

pub(crate) struct Office {
    pub id: String,
    pub name: String,
    pub country: usize,
    pub city: usize,
    pub street: &'static str,
    pub postal_code: &'static str,
}

impl Office {
    pub(crate) fn country(&self) -> &'static Country {
        &COUNTRIES[self.country]
    }

    pub(crate) fn city(&self) -> &'static City {
        &self.country().cities[self.city]
    }

    fn address(&self) -> Address {
        let city = self.city();
        Address {
            kind: None,
            line1: self.street.to_string(),
            line2: None,
            city: city.name,
            state: city.state,
            postal_code: self.postal_code,
            country: self.country().code,
        }
    }
}

impl Company {
    /// The company for `seed`, with the departments the org uses and offices for `people`.
    pub(crate) fn generate(seed: u64, people: usize, departments: &[usize]) -> Self {
        let mut rng = Rng::derive(seed, COMPANY_STREAM, 0);
        let prefix = rng.pick(COMPANY_PREFIXES);
        let suffix = rng.pick(COMPANY_SUFFIXES);
        let name = format!("{prefix} {suffix}");
        let domain = format!("{}.test", name.replace(' ', "").to_ascii_lowercase());
        let id = format!("cmp_{:08x}", rng.next_u64() as u32);
        let departments = departments
            .iter()
            .map(|&kind| Department {
                id: format!("dep_{}", kind + 1),
                kind,
            })
            .collect();
        Self {
            id,
            name,
            domain,
            departments,
            offices: offices(seed, people),
        }
    }

    /// `GET /v1/company`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "departments": self.departments.iter()
                .map(|d| json!({"id": d.id, "name": d.name()}))
                .collect::<Vec<_>>(),
            "offices": self.offices.iter()
                .map(|o| json!({"id": o.id, "name": o.name, "address": o.address()}))
                .collect::<Vec<_>>(),
        })
    }
}

/// The headquarters first, then more US offices and, past a few hundred people, some
/// abroad.
fn offices(seed: u64, people: usize) -> Vec<Office> {
    let mut rng = Rng::derive(seed, OFFICES_STREAM, 0);
    let count = match people {
        0..25 => 1,
        25..100 => 2,
        100..500 => 3,
        500..2_000 => 5,
        _ => 7,
    };
    let abroad = if people >= 500 { count / 2 - 1 } else { 0 };
    let mut us: Vec<usize> = (0..HQ_CANDIDATES).collect();
    let mut foreign: Vec<usize> = (HQ_CANDIDATES..OFFICE_SITES.len()).collect();
    let mut sites = Vec::with_capacity(count);
    while sites.len() < count {
        let pool = if sites.len() + abroad >= count && !foreign.is_empty() {
            &mut foreign
        } else {
            &mut us
        };
        let site = pool.remove(rng.below(pool.len()));
        sites.push(site);
    }
    sites
        .into_iter()
        .enumerate()
        .map(|(i, site)| {
            let (country, city, street) = OFFICE_SITES[site];
            let city_data = &COUNTRIES[country].cities[city];
            let name = if i == 0 {
                format!("{} HQ", city_data.name)
            } else {
                city_data.name.to_string()
            };
            Office {
                id: format!("off_{}", site + 1),
                name,
                country,
                city,
                street,
                postal_code: city_data.postal_codes[0],
            }
        })
        .collect()
}

/// Whether an office is abroad (its people are `international_employee`s).
pub(crate) fn is_abroad(office: &Office) -> bool {
    office.country != US
}

/// The service user orgsync signs in as.
pub(crate) struct GeneratedCredentials {
    pub username: String,
    pub password: String,
    /// 160 bits, like the seeds Justworks shows.
    pub totp_key: [u8; 20],
}

pub(crate) fn credentials(seed: u64, domain: &str) -> GeneratedCredentials {
    let mut rng = Rng::derive(seed, CREDENTIALS_STREAM, 0);
    // No look-alike characters and no punctuation, so it survives copy and paste
    // anywhere; 20 of 56 characters is about 116 bits.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut password = String::with_capacity(23);
    for group in 0..4 {
        if group > 0 {
            password.push('-');
        }
        for _ in 0..5 {
            password.push(rng.choose(ALPHABET) as char);
        }
    }
    GeneratedCredentials {
        username: format!("orgsync.service@{domain}"),
        password,
        totp_key: rng.bytes(),
    }
}
