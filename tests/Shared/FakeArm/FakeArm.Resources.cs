using System.Net;
using System.Text.Json.Nodes;

namespace GridSpan.Testing.FakeArm;

public sealed partial class FakeArm
{
    private static readonly string[] ReadOnlyProperties = ["virtualMachine", "ipConfiguration", "instanceView", "subnets"];

    private string GroupId(string group) => $"/subscriptions/{Subscription}/resourceGroups/{group}";

    private bool GroupExists(string group) => _resources.ContainsKey(GroupId(group));

    private Reply ResourceGroup(string method, string group, JsonNode? body)
    {
        var id = GroupId(group);
        switch (method)
        {
            case "PUT":
                var created = !_resources.ContainsKey(id);
                _resources[id] = new JsonObject
                {
                    ["id"] = id, ["name"] = group, ["type"] = "Microsoft.Resources/resourceGroups",
                    ["location"] = body?["location"]?.DeepClone(), ["tags"] = body?["tags"]?.DeepClone() ?? new JsonObject(),
                    ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
                };
                return new Reply(created ? HttpStatusCode.Created : HttpStatusCode.OK, _resources[id].DeepClone());
            case "GET":
                return _resources.TryGetValue(id, out var found) ? Ok(found.DeepClone())
                    : Error(HttpStatusCode.NotFound, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
            case "DELETE":
                if (!_resources.ContainsKey(id))
                {
                    return Error(HttpStatusCode.NotFound, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
                }
                foreach (var inside in _resources.Keys.Where(k => k.StartsWith(id + "/", StringComparison.OrdinalIgnoreCase) || k.Equals(id, StringComparison.OrdinalIgnoreCase)).ToList())
                {
                    _resources.Remove(inside);
                }
                var operation = Guid.NewGuid().ToString("N");
                _operations[operation] = new Operation(id, PollsUntilDone, null);
                return new Reply(HttpStatusCode.Accepted, null, new Dictionary<string, string>
                {
                    ["Location"] = new Uri(Url, $"operationresults/{operation}").ToString(),
                    ["Retry-After"] = "0",
                });
            default:
                return Error(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{method} is not allowed on a resource group.");
        }
    }

    /// <summary>Top-level resources of the subscription or a group, filtered as ARM's `tagName eq 'k' and tagValue eq 'v'`.</summary>
    private Reply List(string? group, string? filter)
    {
        if (group is not null && !GroupExists(group))
        {
            return Error(HttpStatusCode.NotFound, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
        }
        var prefix = group is null ? $"/subscriptions/{Subscription}/resourceGroups/" : GroupId(group) + "/providers/";
        var (tagName, tagValue) = TagFilter(filter);
        var listed = _resources.Values
            .Where(r => r["id"]!.GetValue<string>().StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Where(r => r["id"]!.GetValue<string>().Split('/').Length == 9)
            .Where(r => tagName is null || r["tags"]?[tagName]?.GetValue<string>() == tagValue)
            .Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r["id"]!.DeepClone(), ["name"] = r["name"]!.DeepClone(), ["type"] = r["type"]!.DeepClone(),
                ["location"] = r["location"]?.DeepClone(), ["tags"] = r["tags"]?.DeepClone(),
            });
        return Ok(new JsonObject { ["value"] = new JsonArray([.. listed]) });
    }

    private static (string? Name, string? Value) TagFilter(string? filter)
    {
        if (filter is null)
        {
            return (null, null);
        }
        var match = System.Text.RegularExpressions.Regex.Match(filter, @"^tagName eq '([^']*)' and tagValue eq '([^']*)'$");
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value)
            : throw new FormatException($"the fake reads only filters of the form tagName eq '...' and tagValue eq '...', not {filter}");
    }

    /// <summary>PUT, GET, DELETE of a resource (8 segments: provider, type, name) or of a child (10: subnets, routes).</summary>
    private Reply Resource(string method, string group, string[] segments, System.Collections.Specialized.NameValueCollection query, JsonNode? body)
    {
        if (!GroupExists(group))
        {
            return Error(HttpStatusCode.NotFound, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
        }
        if (segments.Length == 10)
        {
            return Child(method, IdOf(segments[..8]), segments[8], segments[9], body);
        }
        if (segments.Length != 8)
        {
            return Error(HttpStatusCode.BadRequest, "InvalidResourceId", $"'{IdOf(segments)}' is not a resource id the fake knows.");
        }
        var id = IdOf(segments);
        var type = $"{segments[5]}/{segments[6]}";
        switch (method)
        {
            case "GET":
                if (!_resources.TryGetValue(id, out var found))
                {
                    return Error(HttpStatusCode.NotFound, "ResourceNotFound", $"The Resource '{type}/{segments[7]}' under resource group '{group}' was not found.");
                }
                foreach (var operation in _operations.Values.Where(o => o.ResourceId.Equals(id, StringComparison.OrdinalIgnoreCase)))
                {
                    Advance(operation);
                }
                return Ok(View(found, query["$expand"] == "instanceView"));
            case "PUT":
                return Put(id, type, segments[7], (JsonObject)body!);
            case "DELETE":
                if (!_resources.TryGetValue(id, out var doomed))
                {
                    return new Reply(HttpStatusCode.NoContent, null);
                }
                if (InUse(id, type) is { } refusal)
                {
                    return refusal;
                }
                _resources.Remove(id);
                return Started(HttpStatusCode.Accepted, null, id);
            default:
                return Error(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{method} is not allowed here.");
        }
    }

    private Reply Put(string id, string type, string name, JsonObject body)
    {
        if (body["location"] is null)
        {
            return Error(HttpStatusCode.BadRequest, "LocationRequired", "The location property is required for this definition.");
        }
        var exists = _resources.TryGetValue(id, out var existing);
        var properties = body["properties"]?.DeepClone() as JsonObject ?? [];
        var resource = new JsonObject
        {
            ["id"] = id, ["name"] = name, ["type"] = type, ["location"] = body["location"]!.DeepClone(),
            ["tags"] = body["tags"]?.DeepClone() ?? new JsonObject(), ["properties"] = properties,
        };
        if (body["sku"] is { } sku)
        {
            resource["sku"] = sku.DeepClone();
        }
        if (body["identity"] is { } identity)
        {
            resource["identity"] = identity.DeepClone();
        }
        // Read-only properties a GET shows (what uses the resource, its state) are ignored in a PUT, as ARM ignores them.
        foreach (var readOnly in ReadOnlyProperties.Where(p => p != "subnets" || type == "Microsoft.Network/routeTables"))
        {
            properties.Remove(readOnly);
        }
        if (Shape(resource, existing) is { } refusal)
        {
            return refusal;
        }
        properties["provisioningState"] = "Updating";
        _resources[id] = resource;
        var failure = FailingCreates.TryGetValue(FailureKey(resource), out var code) && !exists ? code : null;
        return Started(exists ? HttpStatusCode.OK : HttpStatusCode.Created, View(resource, false), id, failure);
    }

    /// <summary>Checks a resource's references and fills in what ARM fills in (ids of parts, addresses, identity); a refusal when ARM would refuse.</summary>
    private Reply? Shape(JsonObject resource, JsonObject? existing)
    {
        var id = resource["id"]!.GetValue<string>();
        var properties = (JsonObject)resource["properties"]!;
        switch (resource["type"]!.GetValue<string>())
        {
            case "Microsoft.Network/virtualNetworks":
                foreach (var subnet in (properties["subnets"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    subnet["id"] = $"{id}/subnets/{subnet["name"]}";
                    subnet["type"] = "Microsoft.Network/virtualNetworks/subnets";
                    ((JsonObject)subnet["properties"]!)["provisioningState"] = "Succeeded";
                    if (subnet["properties"]?["routeTable"]?["id"]?.GetValue<string>() is { } table && !_resources.ContainsKey(table))
                    {
                        return Error(HttpStatusCode.BadRequest, "InvalidResourceReference", $"Resource {table} referenced by resource {subnet["id"]} was not found.");
                    }
                }
                return null;
            case "Microsoft.Network/networkSecurityGroups":
                foreach (var rule in (properties["securityRules"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    rule["id"] = $"{id}/securityRules/{rule["name"]}";
                }
                return null;
            case "Microsoft.Network/routeTables":
                properties["routes"] ??= new JsonArray();
                return null;
            case "Microsoft.Network/networkInterfaces":
                return ShapeNic(resource, existing);
            case "Microsoft.Network/publicIPAddresses":
                properties["ipAddress"] = existing?["properties"]?["ipAddress"]?.DeepClone()
                    ?? $"203.0.113.{1 + _resources.Values.Count(r => r["type"]!.GetValue<string>() == "Microsoft.Network/publicIPAddresses")}";
                return null;
            case "Microsoft.Compute/virtualMachines":
                return ShapeVm(resource, existing);
            default:
                return null;
        }
    }

    private Reply? ShapeNic(JsonObject nic, JsonObject? existing)
    {
        var id = nic["id"]!.GetValue<string>();
        var properties = (JsonObject)nic["properties"]!;
        if (properties["networkSecurityGroup"]?["id"]?.GetValue<string>() is { } group && !_resources.ContainsKey(group))
        {
            return Error(HttpStatusCode.BadRequest, "InvalidResourceReference", $"Resource {group} referenced by resource {id} was not found.");
        }
        properties["macAddress"] = existing?["properties"]?["macAddress"]?.DeepClone() ?? "00-0D-3A-" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..3]).Insert(2, "-").Insert(5, "-");
        foreach (var configuration in (properties["ipConfigurations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            configuration["id"] = $"{id}/ipConfigurations/{configuration["name"]}";
            var ip = (JsonObject)configuration["properties"]!;
            var subnetId = ip["subnet"]?["id"]?.GetValue<string>() ?? "";
            if (FindSubnet(subnetId) is not { } subnet)
            {
                return Error(HttpStatusCode.BadRequest, "InvalidResourceReference", $"Resource {subnetId} referenced by resource {id} was not found.");
            }
            if (ip["publicIPAddress"]?["id"]?.GetValue<string>() is { } publicIp && !_resources.ContainsKey(publicIp))
            {
                return Error(HttpStatusCode.BadRequest, "InvalidResourceReference", $"Resource {publicIp} referenced by resource {id} was not found.");
            }
            var range = IPNetwork.Parse(subnet["properties"]!["addressPrefix"]!.GetValue<string>());
            var taken = Nics().Where(n => !n["id"]!.GetValue<string>().Equals(id, StringComparison.OrdinalIgnoreCase))
                .SelectMany(n => (n["properties"]!["ipConfigurations"] as JsonArray ?? []).OfType<JsonObject>())
                .Select(c => c["properties"]?["privateIPAddress"]?.GetValue<string>()).OfType<string>().ToHashSet();
            if (ip["privateIPAllocationMethod"]?.GetValue<string>() == "Static")
            {
                var wanted = ip["privateIPAddress"]!.GetValue<string>();
                if (!range.Contains(IPAddress.Parse(wanted)))
                {
                    return Error(HttpStatusCode.BadRequest, "PrivateIPAddressNotInSubnet", $"IP configuration {configuration["id"]} is referencing private IP address {wanted} which is not in subnet {subnetId}.");
                }
                if (taken.Contains(wanted))
                {
                    return Error(HttpStatusCode.BadRequest, "PrivateIPAddressInUse", $"IP configuration {configuration["id"]} is using the private IP address {wanted} which is already allocated to resource.");
                }
            }
            else
            {
                var previous = existing is null ? null : (existing["properties"]!["ipConfigurations"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?["properties"]?["privateIPAddress"]?.GetValue<string>();
                // Azure keeps the first four addresses of a subnet (network, gateway, two for DNS).
                ip["privateIPAddress"] = previous ?? Enumerable.Range(4, 250).Select(i => GridSpan.Common.Ipv4.At(range, i).ToString()).First(a => !taken.Contains(a));
            }
        }
        return null;
    }

    private JsonObject? FindSubnet(string subnetId)
    {
        var marker = subnetId.IndexOf("/subnets/", StringComparison.OrdinalIgnoreCase);
        return marker < 0 || !_resources.TryGetValue(subnetId[..marker], out var vnet) ? null
            : (vnet["properties"]?["subnets"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(s => s["id"]!.GetValue<string>().Equals(subnetId, StringComparison.OrdinalIgnoreCase));
    }

    private static string FailureKey(JsonObject resource) => $"{resource["type"]!.GetValue<string>().Split('/')[1]}/{resource["name"]}";

    private IEnumerable<JsonObject> Nics() => _resources.Values.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Network/networkInterfaces");

    private IEnumerable<JsonObject> OfType(string type) => _resources.Values.Where(r => r["type"]!.GetValue<string>() == type);

    /// <summary>The resource as a GET shows it: with the read-only back-references ARM adds (what uses it).</summary>
    private JsonObject View(JsonObject resource, bool instanceView)
    {
        var view = (JsonObject)resource.DeepClone();
        var id = resource["id"]!.GetValue<string>();
        var properties = (JsonObject)view["properties"]!;
        switch (resource["type"]!.GetValue<string>())
        {
            case "Microsoft.Network/publicIPAddresses":
                if (Nics().SelectMany(n => (n["properties"]!["ipConfigurations"] as JsonArray ?? []).OfType<JsonObject>())
                    .FirstOrDefault(c => c["properties"]?["publicIPAddress"]?["id"]?.GetValue<string>()?.Equals(id, StringComparison.OrdinalIgnoreCase) == true) is { } holder)
                {
                    properties["ipConfiguration"] = new JsonObject { ["id"] = holder["id"]!.DeepClone() };
                }
                break;
            case "Microsoft.Network/routeTables":
                properties["subnets"] = new JsonArray([.. OfType("Microsoft.Network/virtualNetworks")
                    .SelectMany(v => (v["properties"]?["subnets"] as JsonArray ?? []).OfType<JsonObject>())
                    .Where(s => s["properties"]?["routeTable"]?["id"]?.GetValue<string>()?.Equals(id, StringComparison.OrdinalIgnoreCase) == true)
                    .Select(s => (JsonNode)new JsonObject { ["id"] = s["id"]!.DeepClone() })]);
                break;
            case "Microsoft.Network/networkInterfaces":
                if (OfType("Microsoft.Compute/virtualMachines").FirstOrDefault(v => UsesNic(v, id)) is { } vm)
                {
                    properties["virtualMachine"] = new JsonObject { ["id"] = vm["id"]!.DeepClone() };
                }
                break;
            case "Microsoft.Compute/virtualMachines" when instanceView:
                var state = properties["provisioningState"]!.GetValue<string>();
                var failure = FailingCreates.GetValueOrDefault(FailureKey(resource)) ?? "";
                var status = state == "Failed"
                    ? new JsonObject { ["code"] = $"ProvisioningState/failed/{failure}", ["level"] = "Error", ["message"] = FailureMessage(failure) }
                    : new JsonObject { ["code"] = $"ProvisioningState/{state.ToLowerInvariant()}", ["level"] = "Info" };
                properties["instanceView"] = new JsonObject { ["statuses"] = new JsonArray(status) };
                break;
        }
        if (view["type"]!.GetValue<string>() == "Microsoft.Compute/virtualMachines")
        {
            (properties["osProfile"] as JsonObject)?.Remove("customData");
        }
        return view;
    }

    private static bool UsesNic(JsonObject vm, string nicId) =>
        (vm["properties"]?["networkProfile"]?["networkInterfaces"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(n => n["id"]?.GetValue<string>()?.Equals(nicId, StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>ARM's refusal to delete what something else still uses.</summary>
    private Reply? InUse(string id, string type)
    {
        bool Refers(JsonNode? node) => node?.ToJsonString().Contains($"\"{id}\"", StringComparison.OrdinalIgnoreCase) == true
            || node?.ToJsonString().Contains($"\"{id}/", StringComparison.OrdinalIgnoreCase) == true;
        bool SelfOrParent(JsonObject r) => id.Equals(r["id"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase)
            || id.StartsWith(r["id"]!.GetValue<string>() + "/", StringComparison.OrdinalIgnoreCase);
        var user = _resources.Values.FirstOrDefault(r => !SelfOrParent(r)
            && r["type"]!.GetValue<string>() != "Microsoft.Resources/resourceGroups" && Refers(r["properties"]));
        if (user is null)
        {
            return null;
        }
        var code = type switch
        {
            "Microsoft.Network/networkSecurityGroups" => "InUseNetworkSecurityGroupCannotBeDeleted",
            "Microsoft.Network/publicIPAddresses" => "PublicIPAddressInUseCannotBeDeleted",
            "Microsoft.Network/networkInterfaces" => "NicInUse",
            "Microsoft.Network/routeTables" => "InUseRouteTableCannotBeDeleted",
            "Microsoft.Network/virtualNetworks" => "InUseSubnetCannotBeDeleted",
            _ => "InUseResourceCannotBeDeleted",
        };
        return Error(HttpStatusCode.BadRequest, code, $"Resource {id} is in use by {user["id"]} and cannot be deleted.");
    }

    /// <summary>Subnets of VNets and routes of route tables: PUT, GET, DELETE inside the parent's list.</summary>
    private Reply Child(string method, string parentId, string kind, string name, JsonNode? body)
    {
        if (!_resources.TryGetValue(parentId, out var parent))
        {
            return Error(HttpStatusCode.NotFound, "ParentResourceNotFound", $"Can not perform requested operation on nested resource. Parent resource '{parentId}' not found.");
        }
        var list = parent["properties"]![kind] as JsonArray;
        if (list is null)
        {
            return Error(HttpStatusCode.NotFound, "InvalidResourceType", $"'{kind}' is not a child resource of {parentId}.");
        }
        var id = $"{parentId}/{kind}/{name}";
        var existing = list.OfType<JsonObject>().FirstOrDefault(c => c["name"]!.GetValue<string>().Equals(name, StringComparison.OrdinalIgnoreCase));
        switch (method)
        {
            case "GET":
                return existing is null ? Error(HttpStatusCode.NotFound, "NotFound", $"Resource {id} not found.") : Ok(existing.DeepClone());
            case "PUT":
                var child = new JsonObject { ["id"] = id, ["name"] = name, ["properties"] = body?["properties"]?.DeepClone() ?? new JsonObject() };
                ((JsonObject)child["properties"]!)["provisioningState"] = "Succeeded";
                if (existing is not null)
                {
                    list.Remove(existing);
                }
                list.Add(child);
                return Started(existing is null ? HttpStatusCode.Created : HttpStatusCode.OK, child.DeepClone(), parentId);
            case "DELETE":
                if (existing is null)
                {
                    return new Reply(HttpStatusCode.NoContent, null);
                }
                if (kind == "subnets" && InUse(id, "Microsoft.Network/virtualNetworks/subnets") is { } refusal)
                {
                    return Error(HttpStatusCode.BadRequest, "InUseSubnetCannotBeDeleted", refusal.Body!["error"]!["message"]!.GetValue<string>());
                }
                list.Remove(existing);
                return Started(HttpStatusCode.Accepted, null, parentId);
            default:
                return Error(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{method} is not allowed here.");
        }
    }
}
