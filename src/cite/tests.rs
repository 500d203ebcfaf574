use super::*;
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

#[test]
fn explore() {
    let mut p = kaplan();
    for f in CiteFormat::ALL {
        println!("{}: {}", f.name(), cite(&p, f));
        println!("MD {}", cite_markdown(&p, f));
    }
    p.venue = Some("NeurIPS 2020".into());
    for f in CiteFormat::ALL {
        println!("{}: {}", f.name(), cite(&p, f));
    }
    p.venue = Some("Journal of Machine Learning Research".into());
    p.doi = Some("10.5555/123".into());
    for f in CiteFormat::ALL {
        println!("{}: {}", f.name(), cite(&p, f));
    }
    p.venue = None;
    p.arxiv = None;
    p.doi = None;
    p.links = vec![Link::new("blog", "https://openai.com/blog/x")];
    for f in CiteFormat::ALL {
        println!("{}: {}", f.name(), cite(&p, f));
    }
    let q = Paper {
        authors: vec![],
        title: String::new(),
        year: None,
        links: vec![],
        arxiv: None,
        key: String::new(),
        ..kaplan()
    };
    for f in CiteFormat::ALL {
        println!("{}: {}", f.name(), cite(&q, f));
    }
    println!(
        "{}",
        cite_many(&[kaplan(), q.clone(), kaplan()], CiteFormat::Ieee)
    );
    println!(
        "{}",
        cite_many(&[kaplan(), q.clone(), kaplan()], CiteFormat::Apa)
    );
    panic!();
}
