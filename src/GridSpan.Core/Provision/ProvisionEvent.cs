namespace GridSpan.Provision;

public enum ProvisionAction
{
    /// <summary>The resource did not exist and was created.</summary>
    Created,
    /// <summary>The resource existed (found by its tag and name) and is used as it is.</summary>
    Found,
    /// <summary>A server became active.</summary>
    Active,
    Deleted,
}

/// <summary>One resource of one site created, found or deleted, for progress output and the master's log.</summary>
public sealed record ProvisionEvent(string Site, ResourceKind Kind, string Name, ProvisionAction Action)
{
    /// <summary>The resource's id in its cloud, when known.</summary>
    public string? Id { get; init; }

    /// <summary>Why it happened, when that is not obvious (a server deleted because it failed: the cloud's reason).</summary>
    public string? Detail { get; init; }
}
