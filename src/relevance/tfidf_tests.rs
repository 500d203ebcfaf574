use super::*;

fn catalog() -> TfIdf {
    TfIdf::build([
        (
            1,
            "Attention Is All You Need. The Transformer, a network architecture based \
             solely on attention mechanisms, dispensing with recurrence and convolutions."
                .to_owned(),
        ),
        (
            2,
            "BERT: Pre-training of Deep Bidirectional Transformers for language \
             understanding. Masked language model pre-training of transformers."
                .to_owned(),
        ),
        (
            3,
            "Denoising Diffusion Probabilistic Models. Image synthesis with diffusion \
             probabilistic models, latent variable models inspired by nonequilibrium \
             thermodynamics."
                .to_owned(),
        ),
        (
            4,
            "Scaling Laws for Neural Language Models. Language model loss scales as a \
             power law with model size, dataset size and compute."
                .to_owned(),
        ),
        (
            5,
            "High-Resolution Image Synthesis with Latent Diffusion Models. Diffusion \
             models trained in the latent space of pretrained autoencoders."
                .to_owned(),
        ),
    ])
}

fn ids(hits: &[(i64, f32)]) -> Vec<i64> {
    hits.iter().map(|h| h.0).collect()
}

#[test]
fn a_description_finds_its_paper_first() {
    let index = catalog();
    let hits = index.query("how loss falls as a power law when models and data grow", 3);
    assert_eq!(hits[0].0, 4);
    let hits = index.query("a probabilistic image model inspired by thermodynamics", 3);
    assert_eq!(ids(&hits)[..2], [3, 5]);
}

#[test]
fn scores_are_cosines_best_first_and_k_bounds_the_list() {
    let index = catalog();
    let hits = index.query("diffusion models latent image synthesis", 10);
    assert!(hits.len() >= 2 && hits.len() <= 5);
    assert!(hits.windows(2).all(|w| w[0].1 >= w[1].1));
    assert!(hits.iter().all(|h| h.1 > 0.0 && h.1 <= 1.0 + 1e-5));
    assert_eq!(
        index
            .query("diffusion models latent image synthesis", 1)
            .len(),
        1
    );
    assert!(index.query("diffusion", 0).is_empty());
}

#[test]
fn a_document_is_its_own_nearest_neighbour_at_cosine_one() {
    let index = TfIdf::build([(7, "sparse mixture of experts routing".to_owned())]);
    let hits = index.query("sparse mixture of experts routing", 5);
    assert_eq!(hits.len(), 1);
    assert!((hits[0].1 - 1.0).abs() < 1e-5, "{hits:?}");
}

#[test]
fn words_nobody_uses_find_nothing() {
    let index = catalog();
    assert!(index.query("zebra quokka", 5).is_empty());
    assert!(index.query("the of and", 5).is_empty());
    assert!(index.query("", 5).is_empty());
}

#[test]
fn similar_to_ranks_neighbours_of_the_centroid_and_excludes_the_seeds() {
    let index = catalog();
    let hits = index.similar_to(&[3], 5);
    assert_eq!(hits[0].0, 5);
    assert!(!ids(&hits).contains(&3));
    let hits = index.similar_to(&[1, 2], 5);
    assert!(!ids(&hits).contains(&1) && !ids(&hits).contains(&2));
    assert_eq!(
        hits[0].0, 4,
        "language models are nearest to the transformer pair"
    );
    assert!(index.similar_to(&[99], 5).is_empty());
    assert!(index.similar_to(&[], 5).is_empty());
}

#[test]
fn profile_terms_name_readable_words_the_paper_shares_with_the_profile() {
    let index = catalog();
    let shared = index.profile_terms(&index.profile(&[3]), 5, 3);
    assert!(shared.contains(&"diffusion".to_owned()), "{shared:?}");
    assert!(shared.contains(&"latent".to_owned()), "{shared:?}");
    assert!(index.profile_terms(&index.profile(&[1]), 3, 5).is_empty());
    assert!(index.profile_terms(&index.profile(&[1]), 99, 5).is_empty());
    let why = index.profile_terms(&index.profile(&[1, 2]), 4, 2);
    assert!(why.contains(&"language".to_owned()), "{why:?}");
}

#[test]
fn a_profile_leaves_out_what_the_whole_catalog_says() {
    // Every paper says "learning"; the seeds also share "hypernetwork", which one other
    // paper uses once. The plain centroid puts the paper that repeats "learning" first,
    // the profile the one that shares what is particular to the seeds.
    let mut docs: Vec<(i64, String)> = (0..20)
        .map(|i| (i, format!("learning benchmark{i} suite{i}")))
        .collect();
    docs.push((100, "learning hypernetwork weights generated".to_owned()));
    docs.push((101, "learning hypernetwork weights predicted".to_owned()));
    docs.push((
        102,
        "learning learning learning learning learning".to_owned(),
    ));
    docs.push((
        103,
        "learning hypernetwork ensemble of networks trained".to_owned(),
    ));
    let index = TfIdf::build(docs);
    let profile = index.profile(&[100, 101]);
    assert!(!index
        .profile_terms(&profile, 102, 5)
        .contains(&"learning".to_owned()));
    let hits = index.similar_to_profile(&profile, &[100, 101], 3, &|_| true);
    assert_eq!(hits[0].0, 103, "{hits:?}");
    assert!(!ids(&hits).contains(&102), "{hits:?}");
    assert!(!ids(&hits).contains(&100) && !ids(&hits).contains(&101));
    assert_eq!(profile.truncated(1).0.len(), 1);
    assert!(index.profile(&[999]).is_empty());
}

#[test]
fn a_repeated_id_is_one_document() {
    let index = TfIdf::build([
        (1, "graph neural networks".to_owned()),
        (1, "message passing".to_owned()),
        (2, "reinforcement learning".to_owned()),
    ]);
    assert_eq!(index.len(), 2);
    assert_eq!(ids(&index.query("message passing graph", 5)), [1]);
}

#[test]
fn rare_words_outweigh_common_ones() {
    let mut docs: Vec<(i64, String)> = (0..50)
        .map(|i| (i, format!("learning model number{i}")))
        .collect();
    docs.push((100, "learning model hypernetwork".to_owned()));
    docs.push((101, "learning learning learning model model".to_owned()));
    let index = TfIdf::build(docs);
    assert_eq!(index.query("learning hypernetwork", 1)[0].0, 100);
}

#[test]
fn twenty_thousand_documents_build_and_answer() {
    // Bounded work, not a timing assertion: the flat layout must cope with this size.
    let words = [
        "graph",
        "neural",
        "protein",
        "language",
        "vision",
        "robot",
        "policy",
        "sparse",
        "kernel",
        "bayesian",
        "diffusion",
        "retrieval",
        "speech",
        "causal",
        "quantum",
    ];
    let docs = (0..20_000i64).map(|i| {
        let u = i as usize;
        let text = (0..12)
            .map(|j| words[(u * 7 + j * 13 + u / 15) % words.len()])
            .collect::<Vec<_>>()
            .join(" ");
        (i, format!("{text} topic{}", i % 1000))
    });
    let index = TfIdf::build(docs);
    assert_eq!(index.len(), 20_000);
    assert_eq!(index.query("protein topic17", 10).len(), 10);
    assert_eq!(index.similar_to(&[1, 2, 3], 10).len(), 10);
}

#[test]
fn what_keep_refuses_never_takes_a_place() {
    // Ten close matches the caller may not see, then three it may: all three come back,
    // in order, however many refused ones rank above them.
    let mut docs: Vec<(i64, String)> = (0..10)
        .map(|i| (i, format!("protein folding protein folding variant{i}")))
        .collect();
    docs.push((20, "protein folding structure".to_owned()));
    docs.push((21, "protein structure".to_owned()));
    docs.push((22, "protein sequence alignment tools".to_owned()));
    let index = TfIdf::build(docs);
    let keep = |id: i64| id >= 20;
    let hits = index.query_where("protein folding", 3, &keep);
    assert_eq!(ids(&hits), [20, 21, 22], "{hits:?}");
    let all = index.query("protein folding", 3);
    assert!(ids(&all).iter().all(|id| *id < 10), "{all:?}");
}
