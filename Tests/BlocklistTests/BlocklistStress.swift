import Testing

/// The blocklist's stress suites, one at a time: each keeps both cores busy, and the
/// fence-path run starts a child process running the others again. Side by side on a
/// two-core machine they starve one another's readers.
@Suite("Blocklist stress, one suite at a time", .serialized)
enum BlocklistStress {}
