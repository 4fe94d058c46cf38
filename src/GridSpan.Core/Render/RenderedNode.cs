namespace GridSpan.Render;

/// <summary>A node's bundle, and the cloud-init user data that boots it (it carries the node's SSH host key: a secret).</summary>
public sealed record RenderedNode(NodeBundle Bundle, string CloudInitUserData)
{
    public override string ToString() => $"RenderedNode {{ {Bundle.NodeName}: {Bundle.Files.Length} files, cloud-init user data redacted }}";
}
