//! What a made-up company is made of: departments with their titles and pay, and the
//! places people work and live in (cities, streets, postcodes, phone ranges, currencies).
//!
//! Phone numbers use ranges set aside for fiction (US 555-01xx, UK Ofcom drama numbers)
//! and emails use reserved domains, so nothing here reaches a real person.

/// An individual contributor title and its pay: USD per year, or per hour when `hourly`.
pub(crate) struct IcTitle {
    pub title: &'static str,
    pub weight: u32,
    pub hourly: bool,
    pub pay: (u32, u32),
}

const fn ic(title: &'static str, weight: u32, pay: (u32, u32)) -> IcTitle {
    IcTitle {
        title,
        weight,
        hourly: false,
        pay,
    }
}

const fn hourly(title: &'static str, weight: u32, pay: (u32, u32)) -> IcTitle {
    IcTitle {
        title,
        weight,
        hourly: true,
        pay,
    }
}

pub(crate) struct DepartmentKind {
    pub name: &'static str,
    /// Share of the headcount this department takes.
    pub weight: u32,
    /// The department head's title in a small company and in a grown one.
    pub head: (&'static str, &'static str),
    pub director: &'static str,
    pub manager: &'static str,
    /// Pay of managers relative to the company's baseline.
    pub pay_factor: f64,
    pub ics: &'static [IcTitle],
}

/// Index 0 holds the CEO alone; the rest are listed in the order a company grows them.
#[rustfmt::skip]
pub(crate) const DEPARTMENTS: &[DepartmentKind] = &[
    DepartmentKind {
        name: "Executive", weight: 0,
        head: ("Chief Executive Officer", "Chief Executive Officer"),
        director: "Chief of Staff", manager: "Chief of Staff", pay_factor: 1.3,
        ics: &[ic("Executive Assistant", 1, (65_000, 95_000))],
    },
    DepartmentKind {
        name: "Engineering", weight: 30,
        head: ("Head of Engineering", "VP of Engineering"),
        director: "Director of Engineering", manager: "Engineering Manager", pay_factor: 1.2,
        ics: &[
            ic("Software Engineer", 30, (95_000, 140_000)),
            ic("Senior Software Engineer", 30, (140_000, 190_000)),
            ic("Staff Software Engineer", 8, (185_000, 240_000)),
            ic("Principal Engineer", 2, (220_000, 280_000)),
            ic("Site Reliability Engineer", 6, (130_000, 185_000)),
            ic("QA Engineer", 6, (85_000, 125_000)),
            ic("Data Engineer", 6, (120_000, 175_000)),
            ic("Security Engineer", 4, (140_000, 195_000)),
            ic("Mobile Engineer", 5, (120_000, 180_000)),
        ],
    },
    DepartmentKind {
        name: "Sales", weight: 16,
        head: ("Head of Sales", "VP of Sales"),
        director: "Director of Sales", manager: "Sales Manager", pay_factor: 1.1,
        ics: &[
            ic("Account Executive", 30, (70_000, 110_000)),
            ic("Senior Account Executive", 15, (100_000, 140_000)),
            ic("Enterprise Account Executive", 6, (130_000, 170_000)),
            ic("Sales Development Representative", 30, (50_000, 70_000)),
            ic("Solutions Engineer", 10, (110_000, 160_000)),
            ic("Sales Operations Analyst", 5, (70_000, 100_000)),
        ],
    },
    DepartmentKind {
        name: "Operations", weight: 6,
        head: ("Head of Operations", "Chief Operating Officer"),
        director: "Director of Operations", manager: "Operations Manager", pay_factor: 1.0,
        ics: &[
            ic("Operations Analyst", 10, (65_000, 95_000)),
            ic("Business Operations Associate", 8, (60_000, 85_000)),
            hourly("Facilities Coordinator", 6, (22, 32)),
            hourly("IT Support Specialist", 8, (26, 40)),
            ic("Procurement Specialist", 4, (60_000, 85_000)),
            ic("Office Manager", 3, (60_000, 80_000)),
        ],
    },
    DepartmentKind {
        name: "Marketing", weight: 7,
        head: ("Head of Marketing", "VP of Marketing"),
        director: "Director of Marketing", manager: "Marketing Manager", pay_factor: 1.0,
        ics: &[
            ic("Product Marketing Manager", 8, (110_000, 150_000)),
            ic("Content Marketing Specialist", 8, (65_000, 95_000)),
            ic("Growth Marketer", 6, (85_000, 125_000)),
            ic("Marketing Coordinator", 6, (50_000, 68_000)),
            ic("SEO Specialist", 3, (65_000, 90_000)),
            hourly("Events Coordinator", 3, (24, 35)),
        ],
    },
    DepartmentKind {
        name: "Product", weight: 6,
        head: ("Head of Product", "VP of Product"),
        director: "Director of Product", manager: "Group Product Manager", pay_factor: 1.2,
        ics: &[
            ic("Product Manager", 12, (125_000, 170_000)),
            ic("Senior Product Manager", 8, (160_000, 205_000)),
            ic("Associate Product Manager", 4, (95_000, 120_000)),
            ic("Technical Product Manager", 4, (135_000, 180_000)),
            ic("Product Analyst", 4, (85_000, 120_000)),
        ],
    },
    DepartmentKind {
        name: "Customer Success", weight: 12,
        head: ("Head of Customer Success", "VP of Customer Success"),
        director: "Director of Customer Success", manager: "Customer Support Manager",
        pay_factor: 0.9,
        ics: &[
            ic("Customer Success Manager", 20, (70_000, 100_000)),
            hourly("Support Specialist", 30, (21, 30)),
            hourly("Senior Support Specialist", 10, (28, 38)),
            ic("Implementation Specialist", 8, (65_000, 90_000)),
            ic("Technical Account Manager", 6, (95_000, 130_000)),
        ],
    },
    DepartmentKind {
        name: "Finance", weight: 5,
        head: ("Head of Finance", "Chief Financial Officer"),
        director: "Controller", manager: "Accounting Manager", pay_factor: 1.1,
        ics: &[
            ic("Accountant", 10, (65_000, 90_000)),
            ic("Senior Accountant", 6, (85_000, 115_000)),
            ic("Financial Analyst", 8, (80_000, 115_000)),
            ic("Payroll Specialist", 4, (60_000, 85_000)),
            hourly("Accounts Payable Specialist", 4, (23, 33)),
        ],
    },
    DepartmentKind {
        name: "People", weight: 5,
        head: ("Head of People", "Chief People Officer"),
        director: "Director of People", manager: "People Operations Manager", pay_factor: 1.0,
        ics: &[
            ic("People Partner", 6, (90_000, 125_000)),
            ic("Recruiter", 10, (70_000, 105_000)),
            ic("Senior Recruiter", 5, (95_000, 130_000)),
            hourly("Recruiting Coordinator", 5, (24, 34)),
            ic("People Operations Specialist", 5, (60_000, 85_000)),
            ic("Benefits Specialist", 3, (60_000, 85_000)),
        ],
    },
    DepartmentKind {
        name: "Design", weight: 4,
        head: ("Head of Design", "VP of Design"),
        director: "Director of Design", manager: "Design Manager", pay_factor: 1.1,
        ics: &[
            ic("Product Designer", 12, (105_000, 145_000)),
            ic("Senior Product Designer", 8, (140_000, 180_000)),
            ic("UX Researcher", 4, (100_000, 140_000)),
            ic("Brand Designer", 3, (80_000, 115_000)),
            ic("Content Designer", 3, (85_000, 120_000)),
        ],
    },
    DepartmentKind {
        name: "Legal", weight: 2,
        head: ("Head of Legal", "General Counsel"),
        director: "Deputy General Counsel", manager: "Managing Counsel", pay_factor: 1.3,
        ics: &[
            ic("Corporate Counsel", 6, (160_000, 220_000)),
            ic("Senior Counsel", 3, (200_000, 260_000)),
            ic("Paralegal", 5, (65_000, 90_000)),
            ic("Contracts Manager", 3, (90_000, 125_000)),
            ic("Compliance Analyst", 3, (75_000, 105_000)),
        ],
    },
];

/// A city people live or work in, with what its addresses and phone numbers look like.
pub(crate) struct City {
    pub name: &'static str,
    /// Empty where the country's addresses carry no state or province.
    pub state: &'static str,
    pub postal_codes: &'static [&'static str],
    /// A phone number is this prefix followed by `phone_digits` random digits.
    pub phone_prefix: &'static str,
    pub phone_digits: u32,
}

const fn city(
    name: &'static str,
    state: &'static str,
    postal_codes: &'static [&'static str],
    phone_prefix: &'static str,
    phone_digits: u32,
) -> City {
    City {
        name,
        state,
        postal_codes,
        phone_prefix,
        phone_digits,
    }
}

/// A country: its currency, how pay compares with the US, how often salaries are paid
/// and how its street addresses are written.
pub(crate) struct Country {
    pub code: &'static str,
    pub currency: &'static str,
    pub pay_factor: f64,
    pub pay_frequency: &'static str,
    /// `true` for "12 Main Street", `false` for "Torstraße 12".
    pub number_first: bool,
    pub streets: &'static [&'static str],
    pub cities: &'static [City],
}

pub(crate) const US: usize = 0;

/// US first; the others are where international offices and employer-of-record hires are.
#[rustfmt::skip]
pub(crate) const COUNTRIES: &[Country] = &[
    Country {
        code: "US", currency: "USD", pay_factor: 1.0, pay_frequency: "semimonthly",
        number_first: true,
        streets: &["Main Street", "Oak Avenue", "Maple Street", "Cedar Lane", "Park Avenue",
            "Elm Street", "Washington Street", "Lake Drive", "Hillcrest Road", "Pine Street",
            "River Road", "Highland Avenue", "Church Street", "Spring Street", "Mill Road",
            "Franklin Avenue", "Jefferson Street", "Prospect Place", "Sunset Boulevard",
            "Martin Luther King Jr. Boulevard"],
        cities: &[
            city("New York", "NY", &["10001", "10013", "10024", "10036"], "+1 212 555 01", 2),
            city("San Francisco", "CA", &["94105", "94110", "94117"], "+1 415 555 01", 2),
            city("Austin", "TX", &["78701", "78704", "78745"], "+1 512 555 01", 2),
            city("Chicago", "IL", &["60606", "60614", "60647"], "+1 312 555 01", 2),
            city("Denver", "CO", &["80202", "80205", "80210"], "+1 303 555 01", 2),
            city("Boston", "MA", &["02110", "02116", "02118"], "+1 617 555 01", 2),
            city("Seattle", "WA", &["98101", "98103", "98122"], "+1 206 555 01", 2),
            city("Atlanta", "GA", &["30303", "30306", "30308"], "+1 404 555 01", 2),
            city("Brooklyn", "NY", &["11201", "11215", "11238"], "+1 718 555 01", 2),
            city("Oakland", "CA", &["94607", "94610"], "+1 510 555 01", 2),
            city("Portland", "OR", &["97205", "97209", "97214"], "+1 503 555 01", 2),
            city("Minneapolis", "MN", &["55401", "55408"], "+1 612 555 01", 2),
            city("Raleigh", "NC", &["27601", "27605"], "+1 919 555 01", 2),
            city("Phoenix", "AZ", &["85004", "85016"], "+1 602 555 01", 2),
            city("Miami", "FL", &["33130", "33137"], "+1 305 555 01", 2),
            city("Nashville", "TN", &["37203", "37206"], "+1 615 555 01", 2),
            city("Salt Lake City", "UT", &["84101", "84105"], "+1 801 555 01", 2),
            city("Philadelphia", "PA", &["19103", "19123"], "+1 215 555 01", 2),
            city("Columbus", "OH", &["43201", "43215"], "+1 614 555 01", 2),
            city("Jersey City", "NJ", &["07302", "07306"], "+1 201 555 01", 2),
        ],
    },
    Country {
        code: "GB", currency: "GBP", pay_factor: 0.72, pay_frequency: "monthly",
        number_first: true,
        streets: &["High Street", "Station Road", "Victoria Road", "Church Lane", "Queen's Road",
            "Mill Lane", "Kingsland Road", "St John's Street"],
        cities: &[
            city("London", "", &["EC2A 4NE", "N1 7GU", "SE1 9SG", "E8 3RL", "SW9 8LF"], "+44 20 7946 0", 3),
            city("Manchester", "", &["M1 1AE", "M20 2RN", "M14 5TQ"], "+44 161 496 0", 3),
        ],
    },
    Country {
        code: "CA", currency: "CAD", pay_factor: 1.15, pay_frequency: "biweekly",
        number_first: true,
        streets: &["Queen Street West", "King Street East", "Dundas Street", "Bloor Street West",
            "Granville Street", "Main Street"],
        cities: &[
            city("Toronto", "ON", &["M5V 2T6", "M4M 1H5", "M6J 1E6"], "+1 416 555 01", 2),
            city("Vancouver", "BC", &["V6B 1A1", "V5T 2E4"], "+1 604 555 01", 2),
        ],
    },
    Country {
        code: "DE", currency: "EUR", pay_factor: 0.7, pay_frequency: "monthly",
        number_first: false,
        streets: &["Torstraße", "Kastanienallee", "Oranienstraße", "Schönhauser Allee",
            "Friedrichstraße", "Sonnenallee", "Müllerstraße"],
        cities: &[
            city("Berlin", "", &["10115", "10178", "10437", "10999", "12047"], "+49 30 9018 2", 3),
            city("München", "", &["80331", "80469", "81667"], "+49 89 2180 ", 4),
        ],
    },
    Country {
        code: "IE", currency: "EUR", pay_factor: 0.75, pay_frequency: "monthly",
        number_first: true,
        streets: &["Baggot Street", "Camden Street", "Parnell Road", "Thomas Street"],
        cities: &[city("Dublin", "", &["D02 X285", "D04 C932", "D08 VF8H"], "+353 1 555 ", 4)],
    },
    Country {
        code: "ES", currency: "EUR", pay_factor: 0.55, pay_frequency: "monthly",
        number_first: false,
        streets: &["Calle Mayor", "Calle de Alcalá", "Calle de Atocha", "Carrer de Mallorca"],
        cities: &[
            city("Madrid", "", &["28004", "28012", "28014"], "+34 91 555 ", 4),
            city("Barcelona", "", &["08008", "08013"], "+34 93 555 ", 4),
        ],
    },
    Country {
        code: "MX", currency: "MXN", pay_factor: 9.0, pay_frequency: "semimonthly",
        number_first: false,
        streets: &["Avenida Insurgentes Sur", "Calle Durango", "Avenida Álvaro Obregón"],
        cities: &[city("Ciudad de México", "CDMX", &["06700", "03100", "06600"], "+52 55 5555 ", 4)],
    },
    Country {
        code: "BR", currency: "BRL", pay_factor: 2.4, pay_frequency: "monthly",
        number_first: false,
        streets: &["Avenida Paulista", "Rua Augusta", "Rua Oscar Freire", "Rua da Consolação"],
        cities: &[city("São Paulo", "SP", &["01310-100", "04538-132", "01414-000"], "+55 11 5555-", 4)],
    },
];

/// Where an office can be: (country index, city index, the office's street address).
pub(crate) const OFFICE_SITES: &[(usize, usize, &str)] = &[
    (US, 0, "200 Hudson Street, Floor 9"),
    (US, 1, "500 Howard Street, Suite 300"),
    (US, 2, "800 Congress Avenue"),
    (US, 3, "222 West Adams Street"),
    (US, 4, "1600 Wynkoop Street"),
    (US, 5, "100 Summer Street"),
    (US, 6, "1201 Third Avenue"),
    (US, 7, "675 Ponce de Leon Avenue"),
    (1, 0, "14 Finsbury Square"),
    (2, 0, "111 Queen Street East"),
    (3, 0, "Rosenthaler Straße 40"),
    (4, 0, "12 Hatch Street Upper"),
];

/// The first this many sites are US offices that can be the headquarters.
pub(crate) const HQ_CANDIDATES: usize = 8;

#[rustfmt::skip]
pub(crate) const COMPANY_PREFIXES: &[&str] = &[
    "Northwind", "Bluebird", "Lumen", "Juniper", "Cobalt", "Meridian", "Harbor", "Summit",
    "Aster", "Tidewater", "Granite", "Copperleaf", "Kestrel", "Saffron", "Larkspur", "Beacon",
];

#[rustfmt::skip]
pub(crate) const COMPANY_SUFFIXES: &[&str] = &[
    "Labs", "Systems", "Health", "Logistics", "Analytics", "Foods", "Robotics", "Studios",
    "Financial", "Energy", "Software", "Outfitters",
];

/// Reserved for documentation (RFC 2606), so personal emails reach nobody.
pub(crate) const PERSONAL_EMAIL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

pub(crate) const EEO1_RACES: &[&str] = &[
    "White",
    "Black or African American",
    "Hispanic or Latino",
    "Asian",
    "American Indian or Alaska Native",
    "Native Hawaiian or Other Pacific Islander",
    "Two or More Races",
];
