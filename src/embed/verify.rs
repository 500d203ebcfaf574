//! Whether a model file is what it claims to be: its digest against the name the Hub gives
//! it, and its structure against its own header, so that a truncated or corrupted file is
//! refused with a reason instead of failing deep inside the model or, worse, loading.

use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Checks `bytes` against `expected`: 64 hex digits are a sha256 (the Hub's ETag of a
/// large file), 40 a git blob sha1 (its ETag of a small one). Anything else names no
/// digest and passes: a mirror may not give one.
pub fn check_digest(bytes: &[u8], expected: &str) -> anyhow::Result<()> {
    let expected = expected.trim_matches('"').to_ascii_lowercase();
    let hex = |d: &[u8]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let actual = match expected.len() {
        64 => hex(&Sha256::digest(bytes)),
        40 => {
            let mut h = Sha1::new();
            h.update(format!("blob {}\0", bytes.len()).as_bytes());
            h.update(bytes);
            hex(&h.finalize())
        }
        _ => return Ok(()),
    };
    anyhow::ensure!(
        actual == expected,
        "its digest is {actual}, {expected} was expected"
    );
    Ok(())
}

/// Checks a file's structure by its kind: JSON parses; a safetensors file's header parses,
/// every tensor's bytes match its shape and type, and the file ends where they end.
pub fn check_structure(path: &Path) -> anyhow::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".json") {
        let bytes = std::fs::read(path)?;
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map_err(|e| anyhow::anyhow!("not JSON: {e}"))?;
    } else if name.ends_with(".safetensors") {
        check_safetensors(path)?;
    }
    Ok(())
}

fn check_safetensors(path: &Path) -> anyhow::Result<()> {
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut len = [0u8; 8];
    file.read_exact(&mut len)
        .map_err(|_| anyhow::anyhow!("shorter than a safetensors header"))?;
    let header_len = u64::from_le_bytes(len);
    anyhow::ensure!(
        header_len <= 100_000_000 && 8 + header_len <= size,
        "its header says {header_len} bytes, the file has {size}"
    );
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header)?;
    let header: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&header)
        .map_err(|e| anyhow::anyhow!("its header is not JSON: {e}"))?;
    let mut end = 0u64;
    for (name, tensor) in header.iter().filter(|(n, _)| *n != "__metadata__") {
        let offsets: Vec<u64> = tensor["data_offsets"]
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_u64).collect())
            .unwrap_or_default();
        let [start, stop] = offsets[..] else {
            anyhow::bail!("tensor {name} has no data offsets");
        };
        let width = match tensor["dtype"].as_str().unwrap_or("") {
            "F64" | "I64" | "U64" => 8,
            "F32" | "I32" | "U32" => 4,
            "F16" | "BF16" | "I16" | "U16" => 2,
            _ => 1,
        };
        let count: u64 = tensor["shape"]
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_u64).product())
            .unwrap_or(0);
        anyhow::ensure!(
            stop >= start && stop - start == count * width,
            "tensor {name} should take {} bytes, its offsets give {}",
            count * width,
            stop.saturating_sub(start)
        );
        end = end.max(stop);
    }
    let expected = 8 + header_len + end;
    anyhow::ensure!(
        size == expected,
        "its header accounts for {expected} bytes, the file has {size}"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_of_both_kinds_are_checked() {
        // `git hash-object` of "hello\n", and sha256sum of it.
        check_digest(b"hello\n", "ce013625030ba8dba906f756967f9e9ca394464a").unwrap();
        check_digest(
            b"hello\n",
            "\"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\"",
        )
        .unwrap();
        assert!(check_digest(b"hellO\n", "ce013625030ba8dba906f756967f9e9ca394464a").is_err());
        check_digest(b"anything", "W/\"weak\"").unwrap();
    }

    #[test]
    fn a_truncated_or_padded_weights_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        crate::embed::tiny::write(dir.path()).unwrap();
        let weights = dir.path().join("model.safetensors");
        check_structure(&weights).unwrap();
        let bytes = std::fs::read(&weights).unwrap();
        std::fs::write(&weights, &bytes[..bytes.len() - 10]).unwrap();
        let err = check_structure(&weights).unwrap_err().to_string();
        assert!(err.contains("accounts for"), "{err}");
        std::fs::write(&weights, &bytes[..5]).unwrap();
        assert!(check_structure(&weights).is_err());
        let config = dir.path().join("config.json");
        std::fs::write(&config, "{\"hidden_size\": 3").unwrap();
        assert!(check_structure(&config).is_err());
    }
}
