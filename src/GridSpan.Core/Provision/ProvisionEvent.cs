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

/// <summary>One resource of one site created, found or deleted, for progress output.</summary>
public sealed record ProvisionEvent(string Site, ResourceKind Kind, string Name, ProvisionAction Action);
