/// The path of a value inside a configuration document, such as `clients[1].permissions[2]`.
///
/// Indexes count from 0. Keys that are not bare TOML keys are shown quoted (`server."odd key"`).
struct ConfigKeyPath: Hashable, Sendable, CustomStringConvertible {
    /// One step of a path.
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The steps from the document root.
    var components: [Component]

    /// The document itself.
    static let root = ConfigKeyPath(components: [])

    /// The path of `key` inside this table.
    func appending(_ key: String) -> ConfigKeyPath {
        ConfigKeyPath(components: components + [.key(key)])
    }

    /// The path of element `index` of this array.
    func appending(index: Int) -> ConfigKeyPath {
        ConfigKeyPath(components: components + [.index(index)])
    }

    /// The enclosing path, or `nil` for the root.
    var parent: ConfigKeyPath? {
        components.isEmpty ? nil : ConfigKeyPath(components: Array(components.dropLast()))
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += Self.isBare(key) ? key : TOMLString.quoted(key)
            }
        }
        return text
    }

    private static func isBare(_ key: String) -> Bool {
        !key.isEmpty
            && key.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return true
                default: return false
                }
            }
    }
}
