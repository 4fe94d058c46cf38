namespace GridSpan.Secrets;

/// <summary>
/// The cluster's munge key, as the text written to /etc/munge/munge.key: 1024 random bytes in
/// base64. munged hashes the file's bytes, so printable text works as well as raw bytes and keeps
/// every bundle file a string.
/// </summary>
public sealed record MungeKey(string Value)
{
    public override string ToString() => "MungeKey(redacted)";
}
