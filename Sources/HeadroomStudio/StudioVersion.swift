/// The version the studio writes into sessions (the same as `headroom --version`).
public enum StudioVersion {
    public static let version = "0.3.0"
}
