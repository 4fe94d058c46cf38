namespace GridSpan.Plan;

public enum SecretKind
{
    MungeKey,
    WireGuardKeyPair,
    SshKeyPair,
    SshHostKeys,
    IpsecPreSharedKey,
}

/// <summary>A secret the cluster needs (never its value) and which nodes receive it.</summary>
/// <param name="Nodes">The receiving nodes as a hostlist.</param>
public sealed record SecretRequirement(string Name, SecretKind Kind, string Purpose, string Nodes);
