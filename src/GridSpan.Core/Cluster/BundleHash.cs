using System.Security.Cryptography;
using System.Text;
using GridSpan.Render;

namespace GridSpan.Cluster;

/// <summary>A SHA-256 over everything a bundle asks of a node (files with mode and owner, packages, services, commands), to know whether a node already converged to it.</summary>
public static class BundleHash
{
    public static string Of(NodeBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData([0]);
        }
        Add(bundle.NodeName);
        foreach (var file in bundle.Files)
        {
            Add(file.Path);
            Add(file.Content);
            Add($"{file.Mode} {file.Owner} {file.Group}");
        }
        Add("packages");
        foreach (var package in bundle.Packages)
        {
            Add(package);
        }
        Add("services");
        foreach (var service in bundle.Services)
        {
            Add(service.Unit);
            Add(string.Join(' ', service.Inputs));
        }
        Add("commands");
        foreach (var command in bundle.Commands)
        {
            Add(command);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
