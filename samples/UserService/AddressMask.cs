namespace UserService;

/// <summary>Keeps the last word of an address (the city) and hides the rest.</summary>
public static class AddressMask
{
    public static string Apply(string address)
    {
        var city = address.LastIndexOf(' ');
        return city < 0 ? "***" : "*** " + address[(city + 1)..];
    }
}
