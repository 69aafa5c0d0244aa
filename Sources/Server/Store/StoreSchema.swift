import PostgresNIO

/// The tables `serve --store` writes, created when missing (README "Serving live calls"
/// lists them), and the statements that fill them: one `INSERT … SELECT FROM unnest(…)`
/// per table and batch, so a batch of a thousand rows is one statement with one array
/// per column, not a thousand round trips.
///
/// Times are `timestamptz` (microseconds; the nanoseconds CallGuard measures are cut,
/// not rounded). Reasons are `text[]`; they travel joined by the unit separator
/// (U+001F, which no reason contains) because `unnest` cannot take ragged arrays.
enum StoreSchema {
    /// Creates what is missing, under an advisory lock so two servers starting on one
    /// database do not race on `CREATE TABLE IF NOT EXISTS`.
    static let create: [String] = [
        "SELECT pg_advisory_xact_lock(7320113)",
        """
        CREATE TABLE IF NOT EXISTS callguard_verdicts (
            id bigserial PRIMARY KEY,
            screened_at timestamptz NOT NULL,
            call_id text NOT NULL,
            caller text NOT NULL,
            callee text NOT NULL,
            src text NOT NULL,
            dst text NOT NULL,
            verdict text NOT NULL CHECK (verdict IN ('allow', 'flag', 'block')),
            reasons text[] NOT NULL,
            score double precision NOT NULL,
            latency_ns bigint NOT NULL,
            matched_entry text,
            protocol text NOT NULL,
            warmup boolean NOT NULL,
            stored_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX IF NOT EXISTS callguard_verdicts_screened_at ON callguard_verdicts (screened_at)",
        "CREATE INDEX IF NOT EXISTS callguard_verdicts_caller ON callguard_verdicts (caller, screened_at)",
        """
        CREATE TABLE IF NOT EXISTS callguard_warnings (
            id bigserial PRIMARY KEY,
            callee text NOT NULL,
            caller text NOT NULL,
            call_time timestamptz NOT NULL,
            talk_seconds double precision NOT NULL,
            warned_at timestamptz NOT NULL,
            reasons text[] NOT NULL,
            stored_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX IF NOT EXISTS callguard_warnings_callee ON callguard_warnings (callee, warned_at)",
        """
        CREATE TABLE IF NOT EXISTS callguard_audit (
            id bigserial PRIMARY KEY,
            changed_at timestamptz NOT NULL,
            op text NOT NULL CHECK (op IN ('add', 'remove', 'reset')),
            entry text NOT NULL,
            list text NOT NULL CHECK (list IN ('block', 'allow')),
            kind text NOT NULL,
            ttl_seconds double precision,
            origin text NOT NULL,
            refused boolean NOT NULL,
            stored_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX IF NOT EXISTS callguard_audit_entry ON callguard_audit (entry, changed_at)",
    ]

    /// Nanoseconds since the epoch as an exact `timestamptz` (integer microseconds).
    private static func time(_ column: String) -> String {
        "timestamptz 'epoch' + (\(column) / 1000) * interval '1 microsecond'"
    }

    private static let separator = "\u{1F}"

    static func insert(_ rows: [VerdictRow]) -> PostgresQuery {
        var b = PostgresBindings(capacity: 13)
        b.append(rows.map(\.time))
        b.append(rows.map(\.callID))
        b.append(rows.map(\.caller))
        b.append(rows.map(\.callee))
        b.append(rows.map(\.source))
        b.append(rows.map(\.destination))
        b.append(rows.map(\.verdict))
        b.append(rows.map { $0.reasons.joined(separator: separator) })
        b.append(rows.map(\.score))
        b.append(rows.map(\.latencyNanoseconds))
        b.append(rows.map { $0.matchedEntry ?? "" })
        b.append(rows.map(\.signalling))
        b.append(rows.map(\.warmup))
        return PostgresQuery(unsafeSQL: """
            INSERT INTO callguard_verdicts (screened_at, call_id, caller, callee, src, dst, verdict, reasons, score,
                                            latency_ns, matched_entry, protocol, warmup)
            SELECT \(time("t")), c, a, b, s, d, v, \(reasons("r")), sc, l, NULLIF(m, ''), p, w
            FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                        $9::float8[], $10::bigint[], $11::text[], $12::text[], $13::bool[])
                 AS u(t, c, a, b, s, d, v, r, sc, l, m, p, w)
            """, binds: b)
    }

    static func insert(_ rows: [WarningRow]) -> PostgresQuery {
        var b = PostgresBindings(capacity: 6)
        b.append(rows.map(\.callee))
        b.append(rows.map(\.caller))
        b.append(rows.map(\.callTime))
        b.append(rows.map(\.talkSeconds))
        b.append(rows.map(\.warnedAt))
        b.append(rows.map { $0.reasons.joined(separator: separator) })
        return PostgresQuery(unsafeSQL: """
            INSERT INTO callguard_warnings (callee, caller, call_time, talk_seconds, warned_at, reasons)
            SELECT e, a, \(time("t")), k, \(time("w")), \(reasons("r"))
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::bigint[], $6::text[]) AS u(e, a, t, k, w, r)
            """, binds: b)
    }

    static func insert(_ rows: [AuditRow]) -> PostgresQuery {
        var b = PostgresBindings(capacity: 8)
        b.append(rows.map(\.time))
        b.append(rows.map(\.operation))
        b.append(rows.map(\.entry))
        b.append(rows.map(\.list))
        b.append(rows.map(\.kind))
        // NaN stands for "no TTL" in the array (a bigint or float array has no nulls here).
        b.append(rows.map { $0.ttlSeconds ?? .nan })
        b.append(rows.map(\.origin))
        b.append(rows.map(\.refused))
        return PostgresQuery(unsafeSQL: """
            INSERT INTO callguard_audit (changed_at, op, entry, list, kind, ttl_seconds, origin, refused)
            SELECT \(time("t")), o, e, l, k, NULLIF(ttl, 'NaN'::float8), g, f
            FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::bool[])
                 AS u(t, o, e, l, k, ttl, g, f)
            """, binds: b)
    }

    private static func reasons(_ column: String) -> String {
        "CASE WHEN \(column) = '' THEN '{}'::text[] ELSE string_to_array(\(column), E'\\x1F') END"
    }
}
