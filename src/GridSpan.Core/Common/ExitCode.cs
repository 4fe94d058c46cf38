namespace GridSpan.Common;

/// <summary>Process exit codes of the gridspan CLI; scripts may rely on them.</summary>
public enum ExitCode
{
    Success = 0,
    /// <summary>Something failed while doing the work (a command, a cloud call, a node).</summary>
    Failure = 1,
    /// <summary>The command line itself was wrong (unknown verb, missing option).</summary>
    Usage = 2,
    /// <summary>The configuration file is invalid.</summary>
    InvalidConfig = 3,
    /// <summary>This machine cannot do what was asked (missing kernel feature, not root).</summary>
    HostUnsupported = 4,
    /// <summary>A cloud or provider refused or failed a request.</summary>
    ProviderFailure = 5,
    /// <summary>A named cluster, node or resource does not exist.</summary>
    NotFound = 6,
    /// <summary>The user pressed Ctrl-C (128 + SIGINT), as shells expect.</summary>
    Cancelled = 130,
}
