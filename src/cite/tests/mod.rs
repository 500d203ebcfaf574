//! Tests of the public citation surface, split by output family; this file holds the
//! papers they share.

mod bib;
mod prose;

use crate::model::{Link, Paper};

pub fn kaplan() -> Paper {
    Paper {
        id: 0,
        key: "kaplan2020scaling".into(),
        title: "Scaling Laws for Neural Language Models".into(),
        authors: vec![
            "Jared Kaplan".into(),
            "Sam McCandlish".into(),
            "Tom Henighan".into(),
            "Dario Amodei".into(),
        ],
        year: Some(2020),
        venue: None,
        tags: vec![],
        links: vec![Link::new("paper", "https://arxiv.org/abs/2001.08361")],
        arxiv: Some("2001.08361".into()),
        doi: None,
        abstract_text: None,
        note: None,
        sources: vec![],
        bibtex: None,
    }
}

pub fn paper(title: &str, authors: &[&str], year: Option<i32>) -> Paper {
    Paper {
        key: String::new(),
        title: title.into(),
        authors: authors.iter().map(|a| a.to_string()).collect(),
        year,
        links: vec![],
        arxiv: None,
        ..kaplan()
    }
}
