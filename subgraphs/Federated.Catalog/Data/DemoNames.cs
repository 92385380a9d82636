using Bogus;

namespace Federated.Catalog.Data;

/// <summary>
/// Product names as a storefront shows them: brand, sometimes a product line, one or two
/// features that matter for the kind of product, and what it is ("Upton Pro Wireless
/// Noise Cancelling Headphones"), so that searches shoppers type find something.
/// </summary>
public static class DemoNames
{
    private static readonly string[] Lines = ["Pro", "Air", "Max", "Lite", "Plus", "Ultra", "Go", "Studio", "Classic", "Essential", "Elite", "Mini"];

    private static readonly Dictionary<string, (string[] Nouns, string[] Features)> Kinds = new()
    {
        ["Headphones"] = (["Headphones", "Earbuds", "Headset"], ["Wireless", "Bluetooth", "Noise Cancelling", "Over-Ear", "On-Ear", "In-Ear", "Sports", "Studio", "Gaming", "Kids"]),
        ["Speakers"] = (["Speaker", "Soundbar", "Smart Speaker"], ["Portable", "Bluetooth", "Waterproof", "Wireless", "Outdoor", "Bookshelf", "Party", "Compact"]),
        ["Laptops"] = (["Laptop", "Notebook", "Chromebook"], ["Gaming", "Ultralight", "2-in-1", "Business", "Touchscreen", "13-inch", "15-inch", "17-inch", "OLED"]),
        ["Monitors"] = (["Monitor", "Display"], ["4K", "Curved", "Ultrawide", "Gaming", "27-inch", "32-inch", "24-inch", "USB-C", "144Hz", "IPS"]),
        ["Cameras"] = (["Camera", "Action Camera", "Webcam"], ["Mirrorless", "Digital", "4K", "Waterproof", "Instant", "Full-Frame", "Compact", "Vlogging"]),
        ["Smartwatches"] = (["Smartwatch", "Fitness Tracker", "Watch"], ["GPS", "Waterproof", "Heart Rate", "AMOLED", "Sports", "Kids", "Solar", "LTE"]),
        ["Cookware"] = (["Frying Pan", "Saucepan", "Dutch Oven", "Cookware Set", "Wok", "Skillet"], ["Nonstick", "Stainless Steel", "Cast Iron", "Ceramic", "Induction", "Copper", "Hard-Anodized"]),
        ["Coffee Makers"] = (["Coffee Maker", "Espresso Machine", "French Press", "Coffee Grinder"], ["Programmable", "Single-Serve", "Drip", "Cold Brew", "Burr", "Automatic", "Thermal", "12-Cup"]),
        ["Blenders"] = (["Blender", "Hand Blender", "Smoothie Maker"], ["High-Speed", "Personal", "Countertop", "Cordless", "Professional", "Glass Jar", "Immersion"]),
        ["Lamps"] = (["Lamp", "Desk Lamp", "Floor Lamp", "Table Lamp"], ["LED", "Dimmable", "Smart", "Touch", "Adjustable", "Rechargeable", "Industrial", "Modern"]),
        ["Bedding"] = (["Duvet Cover", "Sheet Set", "Pillow", "Comforter", "Blanket"], ["Cotton", "Linen", "Queen", "King", "Bamboo", "Down Alternative", "Cooling", "Weighted"]),
        ["Running Shoes"] = (["Running Shoes", "Trail Running Shoes", "Racing Flats"], ["Lightweight", "Cushioned", "Waterproof", "Stability", "Carbon Plate", "Wide", "Breathable"]),
        ["Tents"] = (["Tent", "Backpacking Tent", "Family Tent"], ["2-Person", "4-Person", "6-Person", "Ultralight", "Waterproof", "Instant", "Four-Season", "Pop-Up"]),
        ["Backpacks"] = (["Backpack", "Daypack", "Hiking Backpack", "Laptop Backpack"], ["Waterproof", "Anti-Theft", "Travel", "Hydration", "30L", "45L", "Rolltop", "Lightweight"]),
        ["Yoga Mats"] = (["Yoga Mat", "Exercise Mat"], ["Non-Slip", "Extra Thick", "Cork", "Natural Rubber", "Foldable", "Travel", "Eco-Friendly"]),
        ["Bicycles"] = (["Bicycle", "Mountain Bike", "Road Bike", "E-Bike", "Hybrid Bike"], ["Electric", "Aluminum", "Carbon", "Folding", "21-Speed", "Kids", "Gravel", "Full-Suspension"]),
        ["Jackets"] = (["Jacket", "Parka", "Rain Jacket", "Puffer Jacket", "Fleece"], ["Waterproof", "Insulated", "Down", "Windproof", "Packable", "Hooded", "Softshell"]),
        ["T-Shirts"] = (["T-Shirt", "Tee", "Polo Shirt"], ["Cotton", "Organic", "Graphic", "Slim Fit", "Oversized", "V-Neck", "Performance", "Crew Neck"]),
        ["Jeans"] = (["Jeans"], ["Slim Fit", "Straight", "Skinny", "Relaxed", "Stretch", "Bootcut", "High-Rise", "Distressed"]),
        ["Sneakers"] = (["Sneakers", "High-Top Sneakers", "Slip-On Sneakers"], ["Leather", "Canvas", "Retro", "Low-Top", "Platform", "Vegan", "Knit"]),
        ["Hats"] = (["Hat", "Baseball Cap", "Beanie", "Bucket Hat", "Sun Hat"], ["Wool", "Cotton", "Adjustable", "Knit", "Packable", "UV Protection", "Trucker"]),
        ["Board Games"] = (["Board Game", "Card Game", "Strategy Game"], ["Family", "Cooperative", "Party", "Classic", "Two-Player", "Deck-Building", "Trivia"]),
        ["Puzzles"] = (["Jigsaw Puzzle", "Puzzle", "3D Puzzle"], ["1000-Piece", "500-Piece", "Wooden", "Kids", "Panoramic", "Brain Teaser"]),
        ["Building Sets"] = (["Building Set", "Construction Kit", "Building Blocks"], ["Magnetic", "STEM", "Creative", "Robotics", "Architecture", "Starter"]),
        ["Dolls"] = (["Doll", "Dollhouse", "Baby Doll", "Fashion Doll"], ["Interactive", "Soft", "Vintage", "Wooden", "Collectible", "Talking"]),
        ["Cookbooks"] = (["Cookbook"], ["Vegetarian", "Baking", "Italian", "Quick", "Mediterranean", "Vegan", "Grilling", "Family"]),
        ["Novels"] = (["Novel", "Thriller", "Mystery Novel", "Fantasy Novel"], ["Bestselling", "Paperback", "Hardcover", "Award-Winning", "Illustrated", "Classic"]),
        ["Travel Guides"] = (["Travel Guide", "Pocket Guide", "Road Atlas"], ["Europe", "Japan", "Italy", "National Parks", "Budget", "City", "Hiking"]),
        ["Hair Dryers"] = (["Hair Dryer", "Blow Dryer", "Hair Styler"], ["Ionic", "Ceramic", "Travel", "Professional", "Diffuser", "Cordless", "Quiet"]),
        ["Fragrances"] = (["Eau de Parfum", "Eau de Toilette", "Cologne", "Perfume"], ["Floral", "Woody", "Citrus", "Fresh", "Oriental", "Unisex", "Travel Size"]),
        ["Skin Care"] = (["Moisturizer", "Serum", "Cleanser", "Sunscreen", "Face Mask"], ["Hydrating", "Vitamin C", "Retinol", "SPF 50", "Gentle", "Hyaluronic Acid", "Oil-Free"]),
        ["Desk Chairs"] = (["Office Chair", "Desk Chair", "Gaming Chair"], ["Ergonomic", "Mesh", "Leather", "Adjustable", "Lumbar Support", "Reclining", "Swivel"]),
        ["Notebooks"] = (["Notebook", "Journal", "Planner", "Sketchbook"], ["Dotted", "Lined", "Hardcover", "A5", "Spiral", "Leather", "Recycled"]),
        ["Pens"] = (["Pen Set", "Fountain Pen", "Ballpoint Pen", "Gel Pen"], ["Refillable", "Fine Point", "Retractable", "Calligraphy", "Metal", "Quick-Dry"]),
        ["Desks"] = (["Standing Desk", "Desk", "Writing Desk", "Computer Desk"], ["Height-Adjustable", "Electric", "L-Shaped", "Solid Wood", "Compact", "Corner", "Walnut"]),
    };

    public static string For(Faker faker, string brand, Category category)
    {
        var (nouns, features) = Kinds[category.Name];
        var noun = faker.PickRandom(nouns);
        var feature = faker.PickRandom(features);
        return faker.Random.Int(0, 9) switch
        {
            < 4 => $"{brand} {feature} {noun}",
            < 7 => $"{brand} {faker.PickRandom(Lines)} {feature} {noun}",
            _ => $"{brand} {feature} {faker.PickRandom(features.Where(f => f != feature).ToArray())} {noun}",
        };
    }
}
