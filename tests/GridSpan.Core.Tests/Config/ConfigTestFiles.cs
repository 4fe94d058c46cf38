using System.Collections.Immutable;
using GridSpan.Config;

namespace GridSpan.Core.Tests.Config;

/// <summary>Loads YAML text as `cluster.yaml` in a temporary directory that also serves as the home directory.</summary>
internal sealed class ConfigTestFiles : IDisposable
{
    public const string FileName = "cluster.yaml";

    /// <summary>Well-formed OpenSSH key lines (the blob names the same type as the line).</summary>
    public const string Ed25519Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f alice@laptop";

    public const string RsaKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAABQDBAgME bob@desk";

    /// <summary>The smallest valid cluster on the fake `lab` provider; tests add to it or change it.</summary>
    public const string Minimal = """
        name: demo
        sites:
          - name: berlin
            provider: lab
            master: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: 1 }
        """;

    public ConfigTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gridspan-config-" + Guid.NewGuid().ToString("N"));
        Home = Path.Combine(Directory, "home");
        System.IO.Directory.CreateDirectory(Home);
    }

    public string Directory { get; }

    public string Home { get; }

    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public ConfigLoadResult Load(string yaml) =>
        ClusterConfigLoader.LoadText(yaml, FileName, Directory, FakeProviders.Registry, Home);

    public ClusterSpec LoadValid(string yaml)
    {
        var result = Load(yaml);
        Assert.True(result.Errors.IsEmpty, string.Join("\n", result.Errors));
        return result.Spec!;
    }

    /// <summary>Loads a file that must have exactly one error, and returns it.</summary>
    public ConfigError LoadOneError(string yaml)
    {
        var result = Load(yaml);
        Assert.Null(result.Spec);
        return Assert.Single(result.Errors);
    }

    public ImmutableArray<ConfigError> LoadErrors(string yaml)
    {
        var result = Load(yaml);
        Assert.Null(result.Spec);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
