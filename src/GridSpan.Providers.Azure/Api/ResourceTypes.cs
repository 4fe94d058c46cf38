namespace GridSpan.Providers.Azure.Api;

/// <summary>The ARM resource types GridSpan makes.</summary>
internal static class ResourceTypes
{
    public const string VirtualNetwork = "Microsoft.Network/virtualNetworks";
    public const string RouteTable = "Microsoft.Network/routeTables";
    public const string SecurityGroup = "Microsoft.Network/networkSecurityGroups";
    public const string NetworkInterface = "Microsoft.Network/networkInterfaces";
    public const string PublicIp = "Microsoft.Network/publicIPAddresses";
    public const string VirtualMachine = "Microsoft.Compute/virtualMachines";
    public const string SshPublicKey = "Microsoft.Compute/sshPublicKeys";
}
