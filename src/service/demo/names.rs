//! Believable synthetic people and companies for demo data: Dutch names, and BSNs and
//! loonheffingennummers that pass the 11-check but belong to nobody in particular.

use rand::Rng;
use rand::rngs::StdRng;

pub const COMPANIES: [&str; 12] = [
    "Bakkerij De Korenschoof BV",
    "Installatiebedrijf Jansen",
    "Tandartspraktijk Glimlach",
    "Hoveniersbedrijf Groenrijk",
    "Transportbedrijf Van Dijk BV",
    "Kinderopvang Het Speelkwartier",
    "Restaurant De Gouden Leeuw",
    "Accountantskantoor Visser & Zn",
    "Fietsenmakerij Bosman",
    "Schildersbedrijf Mulder BV",
    "Bloemisterij De Tulp",
    "IT-bureau Bitwerk BV",
];

const SURNAMES: [&str; 24] = [
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "van Dijk",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
];

const INITIALS: &str = "ABCDEFGHIJKLMNPRSTW";

const STREETS: [&str; 10] = [
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsplein",
    "Julianalaan",
    "Beatrixstraat",
    "Schoolstraat",
    "Industrieweg",
    "Havenkade",
    "Prinsengracht",
];

const CITIES: [(&str, &str); 8] = [
    ("1506 ED", "Zaandam"),
    ("1035 CW", "Amsterdam"),
    ("3511 AB", "Utrecht"),
    ("2611 HV", "Delft"),
    ("9712 CP", "Groningen"),
    ("5611 AZ", "Eindhoven"),
    ("6811 DK", "Arnhem"),
    ("8011 PK", "Zwolle"),
];

/// "Bakker, N" or "Vries, K de": how payroll software writes names.
pub fn person(rng: &mut StdRng) -> String {
    let surname = SURNAMES[rng.random_range(0..SURNAMES.len())];
    let initial = INITIALS
        .chars()
        .nth(rng.random_range(0..INITIALS.len()))
        .unwrap_or('A');
    match surname.rsplit_once(' ') {
        Some((prefix, last)) => format!("{last}, {initial} {prefix}"),
        None => format!("{surname}, {initial}"),
    }
}

pub fn street(rng: &mut StdRng) -> String {
    format!(
        "{} {}",
        STREETS[rng.random_range(0..STREETS.len())],
        rng.random_range(1..200)
    )
}

pub fn city(rng: &mut StdRng) -> (String, String) {
    let (postal, city) = CITIES[rng.random_range(0..CITIES.len())];
    (postal.to_owned(), city.to_owned())
}

/// Nine digits passing the 11-check: eight random, the ninth chosen to make the sum fit.
pub fn eleven_proof(rng: &mut StdRng) -> String {
    loop {
        let digits: Vec<u32> = (0..8).map(|_| rng.random_range(0..10)).collect();
        let sum: u32 = digits.iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum();
        let check = sum % 11;
        if check <= 9 && (sum != 0) {
            let mut text: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
            text.push(char::from(b'0' + check as u8));
            return text;
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::domain::{Bsn, Lhn};

    #[test]
    fn generated_numbers_pass_the_checks() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            let number = eleven_proof(&mut rng);
            assert!(Bsn::parse(&number).is_ok(), "{number}");
            assert!(Lhn::parse(&format!("{number}L01")).is_ok(), "{number}");
        }
        let name = person(&mut rng);
        assert!(name.contains(", "), "{name}");
    }
}
