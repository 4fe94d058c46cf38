using GridSpan.Render;

namespace GridSpan.Configure;

/// <summary>A node to configure: what it should have, and how to reach it.</summary>
public sealed record NodeAssignment(NodeBundle Bundle, SshTarget Target)
{
    public string NodeName => Bundle.NodeName;
}
