//! `daily_at`: the local time of day at which Run Daily syncs, as the settings form
//! takes it, the database stores it (text, `HH:MM`) and the scheduler reads it.

use jiff::civil::Time;
use std::fmt;
use std::str::FromStr;

/// A time of day to the minute, 24-hour. Written `HH:MM`; read as `H:MM` or `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DailyAt {
    hour: u8,
    minute: u8,
}

/// Text that is not a time of day as `HH:MM`, from 00:00 to 23:59.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a time of day as HH:MM, from 00:00 to 23:59")]
pub struct NotATime;

impl DailyAt {
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(Self { hour, minute })
    }

    pub fn hour(self) -> u8 {
        self.hour
    }

    pub fn minute(self) -> u8 {
        self.minute
    }

    /// The time of day, for placing it on a date in the org's time zone.
    pub fn time(self) -> Time {
        Time::constant(self.hour as i8, self.minute as i8, 0, 0)
    }
}

/// 06:00, what a new install and a blank form field mean.
impl Default for DailyAt {
    fn default() -> Self {
        Self { hour: 6, minute: 0 }
    }
}

impl FromStr for DailyAt {
    type Err = NotATime;

    /// `H:MM` or `HH:MM`, spaces around it ignored; nothing else (no seconds, no
    /// single-digit minutes, no blank).
    fn from_str(text: &str) -> Result<Self, NotATime> {
        let (h, m) = text.trim().split_once(':').ok_or(NotATime)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || !digits(m) || h.len() > 2 || m.len() != 2 {
            return Err(NotATime);
        }
        let hour = h.parse().map_err(|_| NotATime)?;
        let minute = m.parse().map_err(|_| NotATime)?;
        Self::new(hour, minute).ok_or(NotATime)
    }
}

impl fmt::Display for DailyAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl serde::Serialize for DailyAt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DailyAt {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_daily_time_reads_one_or_two_hour_digits_and_writes_two() {
        let at: DailyAt = "7:05".parse().unwrap();
        assert_eq!((at.hour(), at.minute()), (7, 5));
        assert_eq!(at.to_string(), "07:05");
        assert_eq!(" 23:59 ".parse::<DailyAt>().unwrap().to_string(), "23:59");
        assert_eq!(DailyAt::default().to_string(), "06:00");
    }

    #[test]
    fn anything_but_a_time_of_day_is_refused() {
        for bad in [
            "", "24:00", "12:60", "noon", "12", "12:5", "123:00", "12:005", "+1:00", "12:00:00",
        ] {
            assert_eq!(bad.parse::<DailyAt>(), Err(NotATime), "{bad:?}");
        }
    }

    #[test]
    fn the_time_of_day_is_the_same_hours_and_minutes() {
        let at: DailyAt = "02:30".parse().unwrap();
        assert_eq!(at.time(), Time::constant(2, 30, 0, 0));
    }

    #[test]
    fn it_travels_as_text() {
        let at: DailyAt = serde_json::from_str("\"7:30\"").unwrap();
        assert_eq!(serde_json::to_string(&at).unwrap(), "\"07:30\"");
        assert!(serde_json::from_str::<DailyAt>("\"25:00\"").is_err());
    }
}
