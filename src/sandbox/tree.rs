//! The shape of the generated org: one CEO, department heads under them, and below each
//! head a tree in which every manager has between 3 and 10 direct reports, so the depth
//! grows with the size of the company (about 8 levels at 100 000 people).

use super::catalog::DEPARTMENTS;
use super::rng::Rng;

/// What a seat is in the tree, which decides its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Ceo,
    Head,
    /// Manages managers; `people` is the size of the whole organisation under them.
    Director {
        people: usize,
    },
    /// Manages individual contributors only.
    Manager,
    Individual,
}

/// One position of the active org.
#[derive(Debug, Clone)]
pub(crate) struct Seat {
    pub manager: Option<usize>,
    /// Index into `catalog::DEPARTMENTS`.
    pub department: usize,
    pub role: Role,
}

const MIN_SPAN: usize = 3;
const MAX_SPAN: usize = 10;

/// Lays out `people` seats (the CEO is seat 0) and says which departments exist.
pub(crate) fn build(people: usize, rng: &mut Rng) -> (Vec<Seat>, Vec<usize>) {
    let mut seats = Vec::with_capacity(people);
    if people == 0 {
        return (seats, Vec::new());
    }
    seats.push(Seat {
        manager: None,
        department: 0,
        role: Role::Ceo,
    });
    let below_ceo = people - 1;
    if below_ceo <= MAX_SPAN {
        // A start-up: everyone reports to the founder, spread over the first departments.
        let departments: Vec<usize> = (1..=below_ceo.clamp(1, 3)).collect();
        for i in 0..below_ceo {
            seats.push(Seat {
                manager: Some(0),
                department: departments[i % departments.len()],
                role: Role::Individual,
            });
        }
        let mut used = vec![0];
        used.extend(departments.iter().take(below_ceo));
        return (seats, used);
    }

    // Every head needs a team of at least MIN_SPAN under them; when that leaves the CEO
    // with fewer than MIN_SPAN heads, an assistant fills the gap.
    let heads = (below_ceo / 15)
        .clamp(MIN_SPAN, DEPARTMENTS.len() - 1)
        .min(below_ceo / (MIN_SPAN + 1));
    let assistants = MIN_SPAN.saturating_sub(heads);
    for _ in 0..assistants {
        seats.push(Seat {
            manager: Some(0),
            department: 0,
            role: Role::Individual,
        });
    }
    let departments: Vec<usize> = (1..=heads).collect();
    let weights: Vec<f64> = departments
        .iter()
        .map(|&d| f64::from(DEPARTMENTS[d].weight) * (0.8 + 0.4 * rng.unit()))
        .collect();
    let team_sizes = split(below_ceo - heads - assistants, &weights, MIN_SPAN);
    let mut pending = Vec::new();
    for (&department, &team) in departments.iter().zip(&team_sizes) {
        seats.push(Seat {
            manager: Some(0),
            department,
            role: Role::Head,
        });
        pending.push((seats.len() - 1, team));
    }
    while let Some((manager, team)) = pending.pop() {
        place_team(&mut seats, &mut pending, rng, manager, team);
    }
    let mut used = vec![0];
    used.extend(departments);
    (seats, used)
}

/// Places the `team` people under `manager`: directly when they fit in one span,
/// otherwise as a few sub-teams, each led by a new manager, queued on `pending`.
fn place_team(
    seats: &mut Vec<Seat>,
    pending: &mut Vec<(usize, usize)>,
    rng: &mut Rng,
    manager: usize,
    team: usize,
) {
    let department = seats[manager].department;
    let add = |seats: &mut Vec<Seat>, role| {
        seats.push(Seat {
            manager: Some(manager),
            department,
            role,
        });
        seats.len() - 1
    };
    if team <= MAX_SPAN {
        // Callers never leave 1 or 2 people for a manager (see `split`).
        for _ in 0..team {
            add(seats, Role::Individual);
        }
        return;
    }
    let span = (rng.between(4, 8) as usize).min(team - MIN_SPAN);
    let rest = team - span;
    let leads = (rest / 6).clamp(1, span);
    let weights: Vec<f64> = (0..leads).map(|_| 0.6 + 0.8 * rng.unit()).collect();
    for sub_team in split(rest, &weights, MIN_SPAN) {
        let role = if sub_team > MAX_SPAN {
            Role::Director { people: sub_team }
        } else {
            Role::Manager
        };
        let lead = add(seats, role);
        pending.push((lead, sub_team));
    }
    for _ in leads..span {
        add(seats, Role::Individual);
    }
}

/// Splits `total` into one part per weight, in proportion, each at least `min_each`
/// (the caller guarantees `total >= min_each * weights.len()`).
fn split(total: usize, weights: &[f64], min_each: usize) -> Vec<usize> {
    let spare = total - min_each * weights.len();
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<usize> = weights
        .iter()
        .map(|w| min_each + (spare as f64 * w / sum).floor() as usize)
        .collect();
    let left = total - parts.iter().sum::<usize>();
    // Flooring leaves fewer than one per part.
    for part in parts.iter_mut().take(left) {
        *part += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct_reports(seats: &[Seat]) -> Vec<usize> {
        let mut reports = vec![0; seats.len()];
        for seat in seats {
            if let Some(m) = seat.manager {
                reports[m] += 1;
            }
        }
        reports
    }

    #[test]
    fn every_manager_has_three_to_ten_reports() {
        for people in [12, 13, 16, 40, 250, 1000, 7_777] {
            let (seats, _) = build(people, &mut Rng::new(people as u64));
            assert_eq!(seats.len(), people);
            for (i, n) in direct_reports(&seats).into_iter().enumerate() {
                let manages = seats[i].role != Role::Individual;
                assert!(
                    !manages || (MIN_SPAN..=MAX_SPAN).contains(&n),
                    "{people} people: seat {i} ({:?}) has {n} reports",
                    seats[i].role
                );
                assert!(manages || n == 0);
            }
        }
    }

    #[test]
    fn depth_grows_with_the_size_of_the_company() {
        let depth = |people| {
            let (seats, _) = build(people, &mut Rng::new(3));
            let mut depth = vec![0usize; seats.len()];
            // Managers are always placed before their reports.
            for i in 1..seats.len() {
                depth[i] = depth[seats[i].manager.unwrap()] + 1;
            }
            depth.into_iter().max().unwrap()
        };
        assert!(depth(50) < depth(1_000));
        assert!(depth(1_000) < depth(100_000));
        assert!(depth(100_000) <= 10);
    }

    #[test]
    fn a_tiny_company_reports_to_its_founder() {
        let (seats, departments) = build(4, &mut Rng::new(1));
        assert!(seats[1..].iter().all(|s| s.manager == Some(0)));
        assert_eq!(departments, vec![0, 1, 2, 3]);
    }

    #[test]
    fn split_keeps_the_total_and_the_minimum() {
        let parts = split(31, &[1.0, 5.0, 0.1], 3);
        assert_eq!(parts.iter().sum::<usize>(), 31);
        assert!(parts.iter().all(|&p| p >= 3));
    }
}
