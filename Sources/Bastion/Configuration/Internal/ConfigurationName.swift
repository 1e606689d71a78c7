/// The syntax shared by client ids, prompt names and prompt argument names: `[A-Za-z0-9_.-]{1,max}`.
enum ConfigurationName {
    /// Whether `name` has 1 to `maxLength` characters, all from `[A-Za-z0-9_.-]`.
    static func isValid(_ name: String, maxLength: Int) -> Bool {
        let scalars = name.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= maxLength else { return false }
        return scalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": return true
            default: return false
            }
        }
    }
}
