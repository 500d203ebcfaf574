//! The application state every surface, command and the scheduler share: the catalog over
//! SQLite and the search index, the course service on the same database, the clock, and
//! the recommender's per-process snapshot. It sits below `dispatch` and imports only the
//! services, so the core can take an [`App`] without depending on the start-up (`app`)
//! that chooses a surface.

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::course::Courses;
use crate::recommend::Recommender;
use std::path::Path;
use std::sync::Arc;

/// The application state: what every command, surface and the scheduler share.
#[derive(Clone)]
pub struct App {
    pub catalog: Arc<Catalog>,
    pub courses: Courses,
    pub clock: Arc<dyn Clock>,
    /// Recommendations' snapshot of the catalog, kept per process until it changes.
    pub recommender: Arc<Recommender>,
}

impl App {
    /// The state over an open catalog; courses share its database.
    pub fn new(catalog: Arc<Catalog>, clock: Arc<dyn Clock>) -> App {
        App {
            courses: Courses::new(catalog.pool().clone()),
            catalog,
            clock,
            recommender: Arc::new(Recommender::default()),
        }
    }

    /// The state over a catalog alone, on the system clock (tests of catalog commands).
    pub fn with_system_clock(catalog: Catalog) -> App {
        App::new(Arc::new(catalog), Arc::new(crate::clock::SystemClock))
    }

    /// Opens (creating and migrating) the data folder.
    pub async fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        Ok(App::new(Arc::new(Catalog::open(data_dir).await?), clock))
    }

    /// A fresh application in memory (tests, benchmarks).
    pub async fn in_memory(clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        Ok(App::new(Arc::new(Catalog::open_in_memory().await?), clock))
    }
}
