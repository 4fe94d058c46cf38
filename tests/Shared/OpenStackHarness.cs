using GridSpan.Common;
using GridSpan.Providers.OpenStack.Clouds;

namespace GridSpan.Testing;

/// <summary>
/// The real OpenStack that scripts/openstack-harness runs on 127.0.0.1. <see cref="EnsureUpAsync"/>
/// runs `up` once per test process (the script is idempotent and serialises callers with a lock,
/// so it is quick when the cloud already runs). The tests leave it running for other test
/// assemblies; scripts/test takes it down after the whole suite.
/// </summary>
public static class OpenStackHarness
{
    private static readonly Lazy<Task> Up = new(StartAsync);

    public static string StateDirectory =>
        Environment.GetEnvironmentVariable("GRIDSPAN_OPENSTACK_HARNESS_STATE") is { Length: > 0 } state ? state : "/var/lib/gridspan/openstack-harness";

    public static string CloudsFilePath => Path.Combine(StateDirectory, "clouds.yaml");

    /// <summary>A member of project gridspan-test (room for the tests and the benchmark).</summary>
    public const string TestCloud = "gridspan-test";

    /// <summary>A member of project gridspan-quota: 1 instance, 2 cores, 2048 MiB RAM, 1 floating IP, 6 ports, 3 security groups.</summary>
    public const string QuotaCloud = "gridspan-quota";

    public const string Image = "gridspan-test-image-2";

    public const string ImagePattern = "/^gridspan-test-image-.*/";

    public const string Flavor = "gs.tiny";

    public static Task EnsureUpAsync() => Up.Value;

    public static CloudConfig Cloud(string name) => CloudsFile.Parse(name, CloudsFilePath, File.ReadAllText(CloudsFilePath), null);

    private static async Task StartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "openstack-harness");
        var result = await new ProcessCommandRunner().RunAsync(
            CommandRequest.Of(script, "up") with { Timeout = TimeSpan.FromMinutes(15) }, CancellationToken.None).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{script} up failed ({result.ExitCode}):\n{result.StandardError}\n{result.StandardOutput}");
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GridSpan.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (GridSpan.slnx) above " + AppContext.BaseDirectory);
    }
}
