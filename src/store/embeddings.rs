//! `embeddings`: sentence-embedding vectors per paper and model, with a hash of the text
//! each was made from, so a changed abstract is recomputed and two models' vectors are
//! never mixed.

use sqlx::SqliteConnection;

/// `(paper, text hash)` of every vector `model` made.
pub async fn hashes(conn: &mut SqliteConnection, model: &str) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as("SELECT paper_id, text_hash FROM embeddings WHERE model = ?")
        .bind(model)
        .fetch_all(conn)
        .await
}

/// Stores `(paper, text hash, vector)` rows of `model`, replacing what those papers had
/// of that model.
pub async fn put(
    conn: &mut SqliteConnection,
    model: &str,
    rows: &[(i64, i64, Vec<u8>)],
) -> sqlx::Result<()> {
    for (paper, hash, vector) in rows {
        sqlx::query(
            "INSERT OR REPLACE INTO embeddings (paper_id, model, text_hash, vector)
             VALUES (?, ?, ?, ?)",
        )
        .bind(paper)
        .bind(model)
        .bind(hash)
        .bind(vector)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every vector of the model that made the most of them (one model's vectors only: two
/// models' vectors are not comparable), by paper.
pub async fn vectors(conn: &mut SqliteConnection) -> sqlx::Result<Vec<(i64, Vec<u8>)>> {
    sqlx::query_as(
        "SELECT paper_id, vector FROM embeddings WHERE model =
           (SELECT model FROM embeddings GROUP BY model ORDER BY COUNT(*) DESC, model LIMIT 1)
         ORDER BY paper_id",
    )
    .fetch_all(conn)
    .await
}

/// `(papers with a vector of model, papers with a source)`: what `model status` reports.
/// A vector of an older text still counts; the next fill replaces it.
pub async fn coverage(conn: &mut SqliteConnection, model: &str) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT
           (SELECT COUNT(*) FROM embeddings WHERE model = ?
              AND paper_id IN (SELECT paper_id FROM sources)),
           (SELECT COUNT(*) FROM papers WHERE id IN (SELECT paper_id FROM sources))",
    )
    .bind(model)
    .fetch_one(conn)
    .await
}
