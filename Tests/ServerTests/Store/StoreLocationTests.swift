import Testing
@testable import Server

@Suite("--store addresses")
struct StoreLocationTests {
    @Test func readsAConnectionURIAsLibpqDoes() throws {
        let a = try StoreLocation(parsing: "postgres://cg:s%40cret@db.example:6543/fraud?sslmode=require")
        #expect(a.host == "db.example")
        #expect(a.port == 6543)
        #expect(a.user == "cg")
        #expect(a.password == "s@cret")
        #expect(a.database == "fraud")
        #expect(a.tls == .require)
        #expect(a.description == "postgres://cg@db.example:6543/fraud")

        let b = try StoreLocation(parsing: "postgresql://centre@[::1]/")
        #expect(b.host == "::1")
        #expect(b.port == 5432)
        #expect(b.database == "centre")
        #expect(b.tls == .prefer)
        #expect(b.description == "postgres://centre@[::1]:5432/centre")

        let c = try StoreLocation(parsing: "postgres://cg@/calls?host=/run/postgresql&sslmode=disable")
        #expect(c.socketDirectory == "/run/postgresql")
        #expect(c.description == "postgres://cg@/run/postgresql/.s.PGSQL.5432/calls")
    }

    @Test(arguments: [
        ("mysql://u@h/db", "scheme 'mysql' is not supported"),
        ("postgres://u@h:70000/db", "port"),
        ("postgres://u@h/db?sslmode=sometimes", "sslmode 'sometimes'"),
        ("postgres://u@h/db?host=relative", "socket directory"),
        ("postgres://u@h/db?pool=9", "parameter 'pool'"),
        ("db.example", "is not a URI"),
    ])
    func refusesWhatItCannotUse(text: String, reason: String) {
        #expect {
            try StoreLocation(parsing: text)
        } throws: { error in
            let d = (error as? StoreError)?.description ?? ""
            return d.hasPrefix("--store: ") && d.contains(reason) && !d.contains("\n")
        }
    }

    @Test func neverShowsThePassword() {
        #expect(StoreLocation.redacted("postgres://cg:hunter2@h/db") == "postgres://cg:***@h/db")
        #expect(StoreLocation.redacted("postgres://cg@h/db") == "postgres://cg@h/db")
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "mysql://cg:hunter2@h/db") }
        do {
            _ = try StoreLocation(parsing: "mysql://cg:hunter2@h/db")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}
