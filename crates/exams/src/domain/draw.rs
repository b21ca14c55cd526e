use std::collections::HashSet;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// The candidates of one paper section and how many to draw from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionPool {
    /// Candidate question ids, in ascending order (so a draw depends only on the seed).
    pub candidates: Vec<i64>,
    pub count: usize,
    /// Points each drawn question is worth in this section, in tenths.
    pub points: i64,
}

/// One question of an attempt: which, in what position, its option order and points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub question_id: i64,
    pub points: i64,
    /// A permutation of the question's option indexes (identity when not shuffled).
    pub option_order: Vec<usize>,
}

/// Draws a paper from a seed: each section's questions without repeats across sections, the
/// whole order shuffled, options shuffled when asked. The same seed and pools give the same
/// paper, so an attempt can be reproduced from its record. `options_of` tells how many
/// options a question has. Returns `None` if a section's pool is too small.
pub fn draw(
    seed: u64,
    sections: &[SectionPool],
    shuffle_options: bool,
    options_of: impl Fn(i64) -> usize,
) -> Option<Vec<Drawn>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut taken: HashSet<i64> = HashSet::new();
    let mut paper = Vec::new();
    for section in sections {
        let mut pool: Vec<i64> =
            section.candidates.iter().copied().filter(|id| !taken.contains(id)).collect();
        if pool.len() < section.count {
            return None;
        }
        pool.shuffle(&mut rng);
        for id in pool.into_iter().take(section.count) {
            taken.insert(id);
            paper.push((id, section.points));
        }
    }
    paper.shuffle(&mut rng);
    Some(
        paper
            .into_iter()
            .map(|(question_id, points)| {
                let mut option_order: Vec<usize> = (0..options_of(question_id)).collect();
                if shuffle_options {
                    option_order.shuffle(&mut rng);
                }
                Drawn { question_id, points, option_order }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections() -> Vec<SectionPool> {
        vec![
            SectionPool { candidates: (1..=20).collect(), count: 5, points: 20 },
            SectionPool { candidates: (15..=30).collect(), count: 5, points: 40 },
        ]
    }

    #[test]
    fn the_same_seed_draws_the_same_paper() {
        assert_eq!(draw(42, &sections(), true, |_| 4), draw(42, &sections(), true, |_| 4));
    }

    #[test]
    fn different_seeds_draw_different_papers_without_repeats() {
        let a = draw(1, &sections(), true, |_| 4).unwrap();
        let b = draw(2, &sections(), true, |_| 4).unwrap();
        assert_ne!(a, b);
        let ids: HashSet<i64> = a.iter().map(|d| d.question_id).collect();
        assert_eq!(ids.len(), 10);
    }

    #[test]
    fn a_section_asking_for_more_than_its_pool_cannot_be_drawn() {
        let too_many = [SectionPool { candidates: vec![1, 2], count: 3, points: 10 }];
        assert_eq!(draw(1, &too_many, false, |_| 0), None);
    }
}
