//! A tiny BERT with random weights, written in the same folder layout as a real model, so
//! tests and benchmarks run the whole embedding path (loading, tokenizing, pooling, storing)
//! without the 90 MB model or the network. Its vectors mean nothing beyond "the same text
//! gives the same vector": tests of ranking by meaning use hand-made vectors instead.

use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::bert::{BertModel, Config};
use std::path::Path;

/// The words the tiny tokenizer knows; any other word is `[UNK]`.
const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "for",
    "in",
    "on",
    "with",
    "to",
    "is",
    "we",
    "language",
    "model",
    "models",
    "large",
    "attention",
    "transformer",
    "protein",
    "folding",
    "graph",
    "neural",
    "network",
    "networks",
    "learning",
    "reinforcement",
    "robot",
    "speech",
    "image",
    "scaling",
    "laws",
    "training",
    "data",
    "agents",
    "reasoning",
    "safety",
    "alignment",
];

/// Writes `config.json`, `tokenizer.json` and `model.safetensors` of a two-layer, 16-wide
/// BERT into `dir`.
pub fn write(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
    let vocab: serde_json::Map<String, serde_json::Value> = specials
        .iter()
        .chain(WORDS)
        .enumerate()
        .map(|(i, w)| (w.to_string(), i.into()))
        .collect();
    let tokenizer = serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": specials.iter().enumerate().map(|(i, t)| serde_json::json!({
            "id": i, "special": true, "content": t, "single_word": false,
            "lstrip": false, "rstrip": false, "normalized": false
        })).collect::<Vec<_>>(),
        "normalizer": {"type": "BertNormalizer", "clean_text": true,
            "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100, "vocab": vocab}
    });
    std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string())?;
    let config = serde_json::json!({
        "vocab_size": specials.len() + WORDS.len(),
        "hidden_size": 16,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 32,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "model_type": "bert"
    });
    std::fs::write(dir.join("config.json"), config.to_string())?;
    let config: Config = serde_json::from_value(config)?;
    // Loading through a VarMap creates every tensor the model asks for, randomly
    // initialised; saving it gives the weights file a real model would have.
    let vars = VarMap::new();
    BertModel::load(
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
        &config,
    )?;
    vars.save(dir.join("model.safetensors"))?;
    Ok(())
}
