using GridSpan.Common;

namespace GridSpan.Configure;

/// <summary>Why ssh itself (not the remote command) failed, read from its exit code 255 and its stderr.</summary>
public enum SshFailureKind
{
    /// <summary>The node (or its jump host) is not reachable yet: refused, timed out, no route. Worth retrying while a node boots.</summary>
    Unreachable,
    /// <summary>The node presented a host key that is not pinned for it. Never retried, never accepted.</summary>
    HostKeyMismatch,
    /// <summary>The node refused the cluster key.</summary>
    AuthenticationRefused,
    /// <summary>The local client setup is wrong (key file permissions, config).</summary>
    ClientSetup,
}

/// <summary>Classifies ssh failures and turns them into errors that say what to do.</summary>
public static class SshFailure
{
    /// <summary>The kind of failure, or null when exit code and stderr do not come from ssh itself.</summary>
    public static SshFailureKind? Classify(CommandResult result)
    {
        if (result.ExitCode != 255)
        {
            return null;
        }
        var stderr = result.StandardError;
        if (Has(stderr, "Host key verification failed") || Has(stderr, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
            Has(stderr, "host key is known for"))
        {
            return SshFailureKind.HostKeyMismatch;
        }
        if (Has(stderr, "Permission denied") || Has(stderr, "Too many authentication failures"))
        {
            return SshFailureKind.AuthenticationRefused;
        }
        if (Has(stderr, "UNPROTECTED PRIVATE KEY FILE") || Has(stderr, "Bad configuration option") ||
            Has(stderr, "no such identity") || Has(stderr, "Load key") || Has(stderr, "Can't open user config file"))
        {
            return SshFailureKind.ClientSetup;
        }
        if (Has(stderr, "Connection refused") || Has(stderr, "Connection timed out") || Has(stderr, "timed out") ||
            Has(stderr, "No route to host") || Has(stderr, "Network is unreachable") ||
            Has(stderr, "Could not resolve hostname") || Has(stderr, "Connection closed") ||
            Has(stderr, "Connection reset") || Has(stderr, "kex_exchange_identification") ||
            Has(stderr, "open failed") || Has(stderr, "stdio forwarding failed") || Has(stderr, "Broken pipe") ||
            Has(stderr, "Timeout, server") || Has(stderr, "not responding"))
        {
            return SshFailureKind.Unreachable;
        }
        return null;
    }

    public static GridSpanException ToException(SshTarget target, SshFailureKind kind, string stderr)
    {
        var where = Describe(target);
        var cause = FirstMeaningfulLine(stderr);
        return kind switch
        {
            SshFailureKind.HostKeyMismatch => GridSpanException.Failed(
                $"node '{target.NodeName}': SSH refused {where}: its host key is not the one pinned for it ({cause})",
                "GridSpan never accepts an unpinned key. If the node was re-created, run the command again so its new key is " +
                "pinned; otherwise the connection may be intercepted: do not connect until you know why the key changed"),
            SshFailureKind.AuthenticationRefused => GridSpanException.Failed(
                $"node '{target.NodeName}': {where} refused the cluster's SSH key for user '{target.User}' ({cause})",
                "the node must have the cluster's public key in the user's authorized_keys (given at boot through cloud-init or the image)"),
            SshFailureKind.ClientSetup => GridSpanException.Failed(
                $"node '{target.NodeName}': the SSH client cannot start ({cause})",
                "check that the cluster's private key exists and is mode 0600, and that its state directory is intact"),
            _ => GridSpanException.Failed(
                $"node '{target.NodeName}' is unreachable over SSH at {where} ({cause})",
                target.Jump is null
                    ? "check that the node is running and that its security group allows SSH (port " + target.Port + ") from this machine"
                    : $"check that the node is running, that '{target.Jump.NodeName}' is reachable and that the node accepts SSH from it").AsTransient(),
        };
    }

    private static string Describe(SshTarget target) =>
        $"{target.Address}:{target.Port}" + (target.Jump is { } jump ? $" (through {jump.NodeName})" : "");

    private static string FirstMeaningfulLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('@') && !line.StartsWith("IT IS POSSIBLE", StringComparison.Ordinal))
            .ToList();
        var telling = lines.FirstOrDefault(line =>
            line.Contains("Host key for", StringComparison.Ordinal) || line.Contains("host key is known for", StringComparison.Ordinal) ||
            line.Contains("Permission denied", StringComparison.Ordinal) ||
            line.Contains("connect to host", StringComparison.Ordinal) || line.Contains("open failed", StringComparison.Ordinal));
        return telling ?? lines.LastOrDefault() ?? "no message from ssh";
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
