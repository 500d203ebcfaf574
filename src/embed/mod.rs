//! Sentence embeddings: a paper's title and abstract as one unit vector, so that papers
//! that say the same thing in other words are near each other. The model is a BERT-family
//! sentence encoder in the Hugging Face layout (`config.json`, `model.safetensors`,
//! `tokenizer.json`; all-MiniLM-L6-v2 is the one measured), run on the CPU with candle,
//! mean-pooled over the tokens and normalised, as sentence-transformers does. It is
//! optional: without a model, recommendations rank by TF-IDF alone. Vectors are computed
//! in the background ([`fill`]) and stored in SQLite, so a request never runs the model.
//! Which model ([`spec`]), and its arrival from the Hugging Face Hub on first need
//! ([`hub`], [`arrive`]), live beside it.

pub mod arrive;
mod fill;
pub mod hub;
pub mod spec;
#[cfg(test)]
mod tests;
#[doc(hidden)]
pub mod tiny;
mod verify;

use anyhow::Context;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
pub use fill::{fill, keep_filled, Filled, LOOK_EVERY};
pub use spec::ModelSpec;
use std::path::Path;
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

/// Tokens read per paper: the model's own limit for all-MiniLM-L6-v2, which covers the
/// title and most of an abstract.
const MAX_TOKENS: usize = 256;

/// A loaded model.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    /// Names the model's files and how this code reads them, so vectors of another model
    /// (or of another pooling here) are recomputed, never mixed.
    pub id: String,
    /// Where the model's matrix products run; `None`: rayon's global pool, every core.
    threads: Option<rayon::ThreadPool>,
}

impl Embedder {
    /// Loads the model in `dir`; an error names the file that is missing or wrong.
    pub fn load(dir: &Path) -> anyhow::Result<Embedder> {
        let file = |name: &str| {
            let path = dir.join(name);
            anyhow::ensure!(
                path.is_file(),
                "the model folder {} has no {name} (it needs config.json, model.safetensors \
                 and tokenizer.json, as a Hugging Face sentence-transformers model has)",
                dir.display()
            );
            Ok(path)
        };
        let (config_path, weights, tokenizer_path) = (
            file("config.json")?,
            file("model.safetensors")?,
            file("tokenizer.json")?,
        );
        let config_text = std::fs::read(&config_path)?;
        let config: Config = serde_json::from_slice(&config_text)
            .with_context(|| format!("{} is not a BERT config", config_path.display()))?;
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", tokenizer_path.display()))?;
        // A model with fewer positions than MAX_TOKENS would fail on every long text.
        let max_tokens = MAX_TOKENS.min(config.max_position_embeddings);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| anyhow::anyhow!("{}: {e}", tokenizer_path.display()))?;
        tokenizer.with_padding(Some(PaddingParams::default()));
        // Read rather than mapped: the crate forbids `unsafe`, and the weights are copied
        // into tensors either way.
        let bytes = std::fs::read(&weights)?;
        let tokenizer_text = std::fs::read(&tokenizer_path)?;
        // The files' content, not their folder: a model moved elsewhere keeps its vectors.
        // `v1`: mean pooling, normalised; change it when the reading changes.
        let id = format!(
            "bert-v1-{max_tokens}-{:016x}",
            fnv1a(&[&config_text, &tokenizer_text, &bytes])
        );
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &Device::Cpu)
            .with_context(|| format!("reading {}", weights.display()))?;
        let model = BertModel::load(vb, &config)
            .with_context(|| format!("{} does not match its config.json", weights.display()))?;
        Ok(Embedder {
            model,
            tokenizer,
            id,
            threads: None,
        })
    }

    /// Runs the model on `n` threads of its own rather than on every core: the bot fills
    /// in the background with one, leaving the other core (and rayon's global pool, which
    /// the recommender's scan uses) to requests.
    pub fn with_threads(mut self, n: usize) -> anyhow::Result<Embedder> {
        self.threads = Some(rayon::ThreadPoolBuilder::new().num_threads(n).build()?);
        Ok(self)
    }

    /// One unit vector per text, in order.
    pub fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        match &self.threads {
            Some(pool) => pool.install(|| self.embed_here(texts)),
            None => self.embed_here(texts),
        }
    }

    fn embed_here(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow::anyhow!("tokenizing: {e}"))?;
        let device = &self.model.device;
        let stack = |f: fn(&tokenizers::Encoding) -> &[u32]| -> candle_core::Result<Tensor> {
            let rows = encodings
                .iter()
                .map(|e| Tensor::new(f(e), device))
                .collect::<candle_core::Result<Vec<_>>>()?;
            Tensor::stack(&rows, 0)
        };
        let ids = stack(|e| e.get_ids())?;
        let mask = stack(|e| e.get_attention_mask())?;
        let out = self.model.forward(&ids, &ids.zeros_like()?, Some(&mask))?;
        // Mean over the real tokens (padding masked out), then unit length.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let mean = out
            .broadcast_mul(&mask)?
            .sum(1)?
            .broadcast_div(&mask.sum(1)?)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f32::MAX)?;
        Ok(mean.broadcast_div(&norm)?.to_vec2::<f32>()?)
    }
}

/// A stable 64-bit hash (FNV-1a) of `parts` in order: the model's id, and whether a
/// paper's text changed since its vector was computed. Std's hasher may change between
/// Rust releases; stored hashes must not.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A vector as stored: little-endian f32s.
pub fn to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector; `None` when the blob is empty, not whole f32s, or holds a value that
/// is not a finite number (one such vector would make the catalog's mean meaningless).
pub fn from_blob(b: &[u8]) -> Option<Vec<f32>> {
    if b.is_empty() || !b.len().is_multiple_of(4) {
        return None;
    }
    let v: Vec<f32> = b
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    v.iter().all(|x| x.is_finite()).then_some(v)
}
